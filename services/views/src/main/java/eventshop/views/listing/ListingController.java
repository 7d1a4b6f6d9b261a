package eventshop.views.listing;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/catalog/products?q=&page=&size=&sort=} as catalog answers it (edge may route it here):
 * the products still sold whose name, description or sku contains {@code q} (ignoring case), sorted by
 * name then sku ({@code sort=name}, the default), or by price, lowest first ({@code sort=price}) or highest
 * first ({@code sort=-price}), then name and sku, with what inventory last reported available ({@code onHand - reserved} of the sku's
 * highest stream version, 0 if never reported). Anyone with a valid edge token, anonymous included.
 */
@RestController
class ListingController {

    /** A product as listed (catalog's shape). {@code imageUrl} is empty when the product has no image. */
    record Item(String sku, String name, String description, long priceCents, int available, String imageUrl) {
    }

    record Page(List<Item> items, int page, int size, long total) {
    }

    private static final String FROM = " FROM {products} p LEFT JOIN {stock} s ON s.sku = p.sku"
            + " WHERE p.discontinued = FALSE";
    private static final String MATCHING = " AND (LOWER(p.name) LIKE ? ESCAPE '\\' OR LOWER(p.description) LIKE ?"
            + " ESCAPE '\\' OR LOWER(p.sku) LIKE ? ESCAPE '\\')";

    /** The orderings {@code sort} names; never built from the request's text. */
    private static final java.util.Map<String, String> ORDER = java.util.Map.of(
            "name", "p.name, p.sku",
            "price", "p.price_cents, p.name, p.sku",
            "-price", "p.price_cents DESC, p.name, p.sku");

    private final Projections projections;
    private final JdbcTemplate jdbc;

    ListingController(Projections projections, JdbcTemplate jdbc) {
        this.projections = projections;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/catalog/products")
    Page search(@RequestParam(required = false) @Size(max = 200) @Nullable String q,
                @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
                @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                @RequestParam(defaultValue = "name") @Pattern(regexp = "name|price|-price",
                        message = "must be name, price or -price") String sort,
                @Nullable ConsistencyToken token) {
        String filter = q == null || q.isBlank() ? null : "%" + escape(q.strip()) + "%";
        return projections.read(Views.NAME, token, tables -> {
            List<Object> args = new ArrayList<>();
            String where = FROM;
            if (filter != null) {
                where += MATCHING;
                args.addAll(List.of(filter, filter, filter));
            }
            Long total = jdbc.queryForObject(tables.sql("SELECT COUNT(*)" + where), Long.class, args.toArray());
            args.add(size);
            args.add((long) page * size);
            List<Item> items = jdbc.query(tables.sql("SELECT p.sku, p.name, p.description, p.price_cents,"
                            + " COALESCE(CASE WHEN s.on_hand - s.reserved > 0 THEN s.on_hand - s.reserved ELSE 0 END, 0),"
                            + " p.image_url" + where + " ORDER BY " + ORDER.get(sort) + " LIMIT ? OFFSET ?"),
                    (row, n) -> new Item(row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
                            row.getInt(5), row.getString(6)), args.toArray());
            return new Page(items, page, size, total == null ? 0 : total);
        });
    }

    private static String escape(String query) {
        return query.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
