package eventshop.catalog.listing;

import eventshop.catalog.products.Products;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.eventsourcing.projection.Projection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The product listing: one row per product, folded from the catalog's own log. Availability is
 * not here: it comes from inventory's events into {@code stock_levels} (owned by the stock
 * consumer, so a rebuild of this projection keeps it) and is joined at query time.
 */
@Component
public class ProductListing implements Projection {

    public static final String NAME = "listing";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("products");
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        jdbc.execute(tables.sql("CREATE TABLE {products} (sku VARCHAR(40) PRIMARY KEY, name VARCHAR(200) NOT NULL,"
                + " description VARCHAR(2000) NOT NULL, price_cents BIGINT NOT NULL, image_url VARCHAR(500) NOT NULL,"
                + " discontinued BOOLEAN NOT NULL)"));
        jdbc.execute("CREATE INDEX " + tables.name("products") + "_by_name ON " + tables.name("products")
                + " (discontinued, name, sku)");
    }

    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        if (!event.streamId().startsWith("product-")) {
            return;
        }
        CatalogEvent decoded = Products.CODEC.deserialize(event.type(), event.data(), event.metadata().schemaVersion());
        switch (decoded) {
            case ProductAdded added -> jdbc.update(tables.sql("INSERT INTO {products} (sku, name, description,"
                            + " price_cents, image_url, discontinued) VALUES (?, ?, ?, ?, ?, FALSE)"),
                    added.sku(), added.name(), added.description(), added.priceCents(), added.imageUrl());
            case ProductPriceChanged changed -> jdbc.update(
                    tables.sql("UPDATE {products} SET price_cents = ? WHERE sku = ?"), changed.priceCents(),
                    changed.sku());
            case ProductDiscontinued discontinued -> jdbc.update(
                    tables.sql("UPDATE {products} SET discontinued = TRUE WHERE sku = ?"), discontinued.sku());
        }
    }
}
