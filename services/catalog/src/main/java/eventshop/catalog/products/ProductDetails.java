package eventshop.catalog.products;

import eventshop.catalog.stock.StockLevels;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * One product as {@code GET /api/catalog/products/{sku}} shows it: folded from its own stream, so it is
 * known the moment it is added and as new as the catalog's last command, with what is available from the
 * stock levels (inventory's). The list and search of products ({@code GET /api/catalog/products}) is not
 * here: edge routes it to the views service, the one owner of that read.
 */
@Component
public class ProductDetails {

    /** One product, found by sku even when it is discontinued. {@code imageUrl} is empty when it has none. */
    public record Details(String sku, String name, String description, long priceCents, int available,
                          String imageUrl, boolean discontinued) {

        /**
         * Whether an administrator may still reprice or discontinue it: not once discontinued ({@code Product}'s
         * decisions refuse a new price for a discontinued product, and a second discontinuation changes nothing).
         */
        public boolean changeable() {
            return !discontinued;
        }

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

    private final ReadYourWrites readYourWrites;
    private final Products products;
    private final StockLevels stockLevels;
    /** One product: its stream (always current for the catalog's tokens) and the stock levels (inventory's). */
    private final ReadModelProgress oneProduct;

    ProductDetails(ReadYourWrites readYourWrites, ConsumerProgress consumed, Products products, StockLevels stockLevels,
                   EventSourcingProperties service) {
        this.readYourWrites = readYourWrites;
        this.products = products;
        this.stockLevels = stockLevels;
        this.oneProduct = ReadModelProgress.anyOf("product", ReadModelProgress.current("product",
                service.serviceName()), consumed.readModel(StockLevels.TABLE, "inventory"));
    }

    /**
     * The product {@code sku}, discontinued or not. A {@code catalog:} token is satisfied already; an
     * {@code inventory:} token (a receipt's) waits, bounded, for the stock consumer, where {@code available}
     * comes from (exact per partition: the starter's {@code ConsumerProgress}).
     */
    public Optional<Details> of(String sku, @Nullable ConsistencyToken consistencyToken) {
        readYourWrites.await(oneProduct, consistencyToken);
        List<CatalogEvent> events = products.events(sku);
        return events.isEmpty() ? Optional.empty() : Details.of(events, stockLevels.available(sku));
    }
}
