package eventshop.views.model;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The view tables of one generation: logical {@code order_history} is {@code order_history_g3} in
 * generation 3. SQL names tables as {@code {order_history}}. Immutable.
 */
public record ViewTables(int generation) {

    /** Every view table, in the order they are created and hashed. */
    public static final List<String> ALL = List.of("order_history", "order_lines", "products", "stock",
            "sales_by_product", "sales_by_hour", "orders_by_status", "cancellations_by_reason");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    public ViewTables {
        if (generation < 1) {
            throw new IllegalArgumentException("generations count from 1, was " + generation);
        }
    }

    /** The physical name of logical table {@code logical}. */
    public String name(String logical) {
        if (!ALL.contains(logical)) {
            throw new IllegalArgumentException("no view table '" + logical + "'");
        }
        return logical + "_g" + generation;
    }

    /** {@code sql} with every {@code {table}} replaced by its physical name. */
    public String sql(String sql) {
        Matcher matcher = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, name(matcher.group(1)));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
