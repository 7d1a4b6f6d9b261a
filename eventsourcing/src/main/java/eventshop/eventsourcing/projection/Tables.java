package eventshop.eventsourcing.projection;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical names of one generation of a projection's tables: logical {@code cart_lines} is
 * {@code cart_lines_g2} in generation 2. Immutable and thread-safe.
 */
public final class Tables {

    private static final Pattern LOGICAL = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final int MAX_CACHED = 256;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)}");

    private final String projection;
    private final int generation;
    private final Map<String, String> physical;
    private final Map<String, String> rendered = new ConcurrentHashMap<>();

    private Tables(String projection, int generation, Map<String, String> physical) {
        if (generation < 1) {
            throw new IllegalArgumentException("generations count from 1, was " + generation);
        }
        this.projection = projection;
        this.generation = generation;
        this.physical = physical;
    }

    /**
     * The tables of read model {@code projection} in {@code generation}.
     *
     * @throws IllegalArgumentException if a table name is not a lowercase letter, then lowercase letters,
     *                                  digits or _, at most 40, or if one is listed twice
     */
    public static Tables of(ReadModel projection, int generation) {
        Map<String, String> physical = new LinkedHashMap<>();
        for (String logical : projection.tables()) {
            if (!LOGICAL.matcher(logical).matches()) {
                throw new IllegalArgumentException("projection '" + projection.name() + "' has table name '" + logical
                        + "'; use a lowercase letter, then lowercase letters, digits or _, at most 40");
            }
            if (physical.put(logical, logical + "_g" + generation) != null) {
                throw new IllegalArgumentException("projection '" + projection.name() + "' lists table '" + logical
                        + "' twice");
            }
        }
        return new Tables(projection.name(), generation, Collections.unmodifiableMap(physical));
    }

    /** The generation these names belong to, from 1. */
    public int generation() {
        return generation;
    }

    /**
     * The physical name of a logical table.
     *
     * @throws IllegalArgumentException if the projection does not list that table
     */
    public String name(String logical) {
        String name = physical.get(logical);
        if (name == null) {
            throw new IllegalArgumentException("projection '" + projection + "' has no table '" + logical + "' (it has "
                    + physical.keySet() + ")");
        }
        return name;
    }

    /**
     * {@code sql} with every {@code {logical}} replaced by its physical name, for example
     * {@code select * from {cart_lines} where cart_id = ?}. Renderings of the first few hundred
     * templates are cached, so constant SQL costs one map lookup.
     */
    public String sql(String sql) {
        String cached = rendered.get(sql);
        if (cached != null) {
            return cached;
        }
        Matcher matcher = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(name(matcher.group(1))));
        }
        String result = matcher.appendTail(out).toString();
        if (rendered.size() < MAX_CACHED) {
            rendered.put(sql, result);
        }
        return result;
    }

    /** Every logical table name, in the order the read model lists them. */
    public Collection<String> logicalNames() {
        return physical.keySet();
    }

    /** Every physical table name of this generation. */
    public Collection<String> physicalNames() {
        return physical.values();
    }

    @Override
    public String toString() {
        return projection + " generation " + generation + " " + physical.values();
    }
}
