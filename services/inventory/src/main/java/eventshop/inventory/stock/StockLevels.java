package eventshop.inventory.stock;

import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.inventory.stock.domain.Stock;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Read model of every sku's levels: table {@code stock_levels}, one row per sku that has had
 * stock, taken from the levels each sku event carries (the {@code stock-} streams; reservations change
 * levels through their sku events). Query it through
 * {@code Projections.read(StockLevels.NAME, token, tables -> StockLevels.find(jdbc, tables, sku))}.
 */
@Component
public class StockLevels extends StreamProjection<SkuEvent> {

    public static final String NAME = "stock_levels";

    /** One sku's levels; {@code available = onHand - reserved}. */
    public record Levels(String sku, int onHand, int reserved, int available) {
        public static Levels of(String sku, int onHand, int reserved) {
            return new Levels(sku, onHand, reserved, onHand - reserved);
        }

        public static Levels of(SkuEvent event) {
            return of(event.sku(), event.onHand(), event.reserved());
        }
    }

    private static final RowMapper<Levels> ROW = (rs, row) -> Levels.of(rs.getString(1), rs.getInt(2), rs.getInt(3));

    public StockLevels() {
        super(NAME, Stock.streamId(""), JsonEventCodec.of(SkuEvent.class), List.of("stock_levels"),
                "CREATE TABLE {stock_levels} (sku VARCHAR(40) PRIMARY KEY, on_hand INT NOT NULL,"
                        + " reserved INT NOT NULL)");
    }

    @Override
    protected void on(SkuEvent sku, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        int updated = jdbc.update(tables.sql("UPDATE {stock_levels} SET on_hand = ?, reserved = ? WHERE sku = ?"),
                sku.onHand(), sku.reserved(), sku.sku());
        if (updated == 0) {
            jdbc.update(tables.sql("INSERT INTO {stock_levels} (sku, on_hand, reserved) VALUES (?, ?, ?)"),
                    sku.sku(), sku.onHand(), sku.reserved());
        }
    }

    /** A sku's levels in the given generation's tables; empty if it never had stock. */
    public static Optional<Levels> find(JdbcTemplate jdbc, Tables tables, String sku) {
        return jdbc.query(tables.sql("SELECT sku, on_hand, reserved FROM {stock_levels} WHERE sku = ?"), ROW, sku)
                .stream().findFirst();
    }

    /** A page of all skus' levels, in sku order. */
    public static List<Levels> page(JdbcTemplate jdbc, Tables tables, int offset, int limit) {
        return jdbc.query(tables.sql("SELECT sku, on_hand, reserved FROM {stock_levels} ORDER BY sku"
                + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"), ROW, offset, limit);
    }

    /** How many skus have had stock. */
    public static long count(JdbcTemplate jdbc, Tables tables) {
        Long count = jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {stock_levels}"), Long.class);
        return count == null ? 0 : count;
    }
}
