package eventshop.catalog.listing;

import eventshop.catalog.products.Products;
import eventshop.catalog.stock.StockLevels;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Queries over the product listing, joined with the stock levels. They honour consistency tokens of
 * both sources: {@code catalog:} tokens wait for the listing projection (the catalog's own log),
 * {@code inventory:} tokens (a receipt's, say) for the consumer of {@code inventory.events} that keeps
 * {@code stock_levels} (exact per partition: the starter's {@code ConsumerProgress}). Without a token a
 * query answers what the read models have now, which may lag the commands (eventual consistency). One
 * product ({@link #product}) is read from its own stream instead, so it is never behind the catalog.
 */
@Component
public class Listing {

    /** A product as listed. {@code imageUrl} is empty when the product has no image. */
    public record Item(String sku, String name, String description, long priceCents, int available,
                       String imageUrl) {
    }

    /** One page of the listing, {@code total} being the number of matching products over all pages. */
    public record Page(List<Item> items, int page, int size, long total) {
    }

    /** One product, found by sku even when it is discontinued. */
    public record Details(String sku, String name, String description, long priceCents, int available,
                          String imageUrl, boolean discontinued) {

        /**
         * The product as its own events tell it ({@code available} as given); empty if it was never added.
         */
        public static Optional<Details> of(List<CatalogEvent> events, int available) {
            Details details = null;
            for (CatalogEvent event : events) {
                details = switch (event) {
                    case ProductAdded added -> new Details(added.sku(), added.name(), added.description(),
                            added.priceCents(), available, added.imageUrl(), false);
                    case ProductPriceChanged changed -> details == null ? null : new Details(details.sku,
                            details.name, details.description, changed.priceCents(), available, details.imageUrl,
                            details.discontinued);
                    case ProductDiscontinued discontinued -> details == null ? null : new Details(details.sku,
                            details.name, details.description, details.priceCents, available, details.imageUrl, true);
                };
            }
            return Optional.ofNullable(details);
        }
    }

    private static final String FROM = " FROM {products} p LEFT JOIN " + StockLevels.TABLE + " s ON s.sku = p.sku";
    private static final String LISTED = " WHERE p.discontinued = FALSE";
    private static final String MATCHING = " AND (LOWER(p.name) LIKE ? ESCAPE '\\' OR LOWER(p.description) LIKE ?"
            + " ESCAPE '\\' OR LOWER(p.sku) LIKE ? ESCAPE '\\')";
    private static final String COLUMNS = "SELECT p.sku, p.name, p.description, p.price_cents,"
            + " COALESCE(s.available, 0) AS available, p.image_url, p.discontinued";


    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final ReadYourWrites readYourWrites;
    private final ReadModelProgress stock;
    private final Products products;
    private final StockLevels stockLevels;
    /** One product: its stream (always current for the catalog's tokens) and the stock levels (inventory's). */
    private final ReadModelProgress oneProduct;

    Listing(Projections projections, JdbcTemplate jdbc, ReadYourWrites readYourWrites, ConsumerProgress consumed,
            Products products, StockLevels stockLevels, EventSourcingProperties service) {
        this.projections = projections;
        this.jdbc = jdbc;
        this.readYourWrites = readYourWrites;
        this.stock = consumed.readModel(StockLevels.TABLE, "inventory");
        this.products = products;
        this.stockLevels = stockLevels;
        this.oneProduct = ReadModelProgress.anyOf("product", ReadModelProgress.current("product",
                service.serviceName()), stock);
    }

    /** Waits (bounded) for {@code consistencyToken}, then answers the tables to read. */
    private Tables consistent(@Nullable String consistencyToken) {
        readYourWrites.await(ReadModelProgress.anyOf(ProductListing.NAME, projections.progress(ProductListing.NAME),
                stock), consistencyToken);
        return projections.tables(ProductListing.NAME);
    }

    /**
     * The products still sold whose name, description or sku contains {@code query} (ignoring case;
     * null or blank lists all), sorted by name then sku.
     *
     * @param page from 0
     * @param size products per page, at least 1
     */
    public Page search(@Nullable String query, int page, int size, @Nullable String consistencyToken) {
        String filter = query == null || query.isBlank() ? null : "%" + escape(query.strip()) + "%";
        Tables tables = consistent(consistencyToken);
        List<Object> args = new ArrayList<>();
        String where = LISTED;
        if (filter != null) {
            where += MATCHING;
            args.addAll(List.of(filter, filter, filter));
        }
        Long total = jdbc.queryForObject(tables.sql("SELECT COUNT(*)" + FROM + where), Long.class, args.toArray());
        List<Object> paged = new ArrayList<>(args);
        paged.add(size);
        paged.add((long) page * size);
        List<Item> items = jdbc.query(tables.sql(COLUMNS + FROM + where
                        + " ORDER BY p.name, p.sku LIMIT ? OFFSET ?"),
                (row, n) -> new Item(row.getString("sku"), row.getString("name"), row.getString("description"),
                        row.getLong("price_cents"), row.getInt("available"), row.getString("image_url")),
                paged.toArray());
        return new Page(items, page, size, total == null ? 0 : total);
    }

    /**
     * The product {@code sku}, discontinued or not, from its own stream: known the moment it is added and as
     * new as the catalog's last command, so a {@code catalog:} token is satisfied already; an
     * {@code inventory:} token waits for the stock levels, where {@code available} comes from.
     */
    public Optional<Details> product(String sku, @Nullable String consistencyToken) {
        readYourWrites.await(oneProduct, consistencyToken);
        List<CatalogEvent> events = products.events(sku);
        return events.isEmpty() ? Optional.empty() : Details.of(events, stockLevels.available(sku));
    }

    private static String escape(String query) {
        return query.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
