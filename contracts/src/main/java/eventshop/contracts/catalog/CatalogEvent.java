package eventshop.contracts.catalog;

/** What the catalog publishes on {@code catalog.events}, one stream per product ({@code product-<sku>}). */
public sealed interface CatalogEvent {

    String sku();

    /** {@code imageUrl} may be empty, never null. */
    record ProductAdded(String sku, String name, String description, long priceCents, String imageUrl)
            implements CatalogEvent {
    }

    record ProductPriceChanged(String sku, long priceCents, long previousPriceCents) implements CatalogEvent {
    }

    /** The product can no longer be ordered. */
    record ProductDiscontinued(String sku) implements CatalogEvent {
    }
}
