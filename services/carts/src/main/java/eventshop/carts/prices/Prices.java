package eventshop.carts.prices;

import eventshop.carts.cart.domain.PriceList;
import eventshop.carts.cart.domain.Product;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The carts' own view of the catalog's prices: table {@code prices(sku, name, price_cents,
 * discontinued, version)} in the carts database (migration {@code db/carts/V1__prices.sql}), fed from
 * {@code catalog.events} by {@link CatalogPriceFeed} (never a synchronous call to catalog).
 *
 * <p>{@code version} is the highest version of the product's stream ({@code product-<sku>}) applied.
 * The price follows the highest version that set one, so an older event delivered late (a replayed
 * dead letter) never overwrites a newer price; the name comes from {@link ProductAdded} whenever it
 * arrives; discontinued is final. A row whose {@code ProductAdded} has not arrived yet shows its sku
 * as name. Writes join the caller's transaction (the consumer's exactly-once record).
 */
@Repository
public class Prices {

    private static final RowMapper<Row> ROW = (rs, rowNum) -> new Row(rs.getString("sku"), rs.getString("name"),
            rs.getLong("price_cents"), rs.getBoolean("discontinued"), rs.getLong("version"));

    private final JdbcTemplate jdbc;

    public Prices(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One row of the view; {@code name} is null until the product's {@code ProductAdded} arrived. */
    public record Row(String sku, String name, long priceCents, boolean discontinued, long version) {

        Product product() {
            String shown = name == null ? sku : name;
            return discontinued ? new Product.Discontinued(sku, shown, priceCents)
                    : new Product.OnSale(sku, shown, priceCents);
        }
    }

    /** Applies the catalog event at {@code version} of its product's stream. */
    public void apply(CatalogEvent event, long version) {
        Optional<Row> current = row(event.sku());
        Row next = switch (event) {
            case ProductAdded added -> current
                    .map(row -> new Row(row.sku(), added.name(), version > row.version() ? added.priceCents()
                            : row.priceCents(), row.discontinued(), Math.max(version, row.version())))
                    .orElse(new Row(added.sku(), added.name(), added.priceCents(), false, version));
            case ProductPriceChanged changed -> current
                    .map(row -> version > row.version()
                            ? new Row(row.sku(), row.name(), changed.priceCents(), row.discontinued(), version) : row)
                    .orElse(new Row(changed.sku(), null, changed.priceCents(), false, version));
            case ProductDiscontinued discontinued -> current
                    .map(row -> new Row(row.sku(), row.name(), row.priceCents(), true, Math.max(version, row.version())))
                    .orElse(new Row(discontinued.sku(), null, 0, true, version));
        };
        if (current.isEmpty()) {
            jdbc.update("INSERT INTO prices (sku, name, price_cents, discontinued, version) VALUES (?, ?, ?, ?, ?)",
                    next.sku(), next.name(), next.priceCents(), next.discontinued(), next.version());
        } else if (!next.equals(current.get())) {
            jdbc.update("UPDATE prices SET name = ?, price_cents = ?, discontinued = ?, version = ? WHERE sku = ?",
                    next.name(), next.priceCents(), next.discontinued(), next.version(), next.sku());
        }
    }

    public Optional<Row> row(String sku) {
        return jdbc.query("SELECT * FROM prices WHERE sku = ?", ROW, sku).stream().findFirst();
    }

    /** The product as the view has it; {@link Product.Unknown} when it has not heard of the sku. */
    public Product product(String sku) {
        return row(sku).map(Row::product).orElseGet(() -> new Product.Unknown(sku));
    }

    /** The products of {@code skus} (at most a cart's worth), read at once. */
    public PriceList list(Collection<String> skus) {
        if (skus.isEmpty()) {
            return PriceList.EMPTY;
        }
        List<String> distinct = skus.stream().distinct().toList();
        String placeholders = String.join(", ", java.util.Collections.nCopies(distinct.size(), "?"));
        Map<String, Product> products = new HashMap<>();
        jdbc.query("SELECT * FROM prices WHERE sku IN (" + placeholders + ")", ROW, distinct.toArray())
                .forEach(row -> products.put(row.sku(), row.product()));
        return new PriceList(products);
    }
}
