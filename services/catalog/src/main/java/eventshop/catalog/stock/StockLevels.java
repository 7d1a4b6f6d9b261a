package eventshop.catalog.stock;

import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.decider.JsonEventCodec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How many units of each sku can be sold, as inventory last reported it: a plain table
 * ({@code db/catalog/V1__stock_levels.sql}) owned by this consumer of {@code inventory.events} (not a projection
 * of the catalog's own log, so rebuilding the listing keeps it). Every {@link SkuEvent} carries the sku's levels after it; the row keeps the one
 * with the highest stream version seen, so redeliveries and replays out of order change nothing.
 * A sku inventory never reported on has nothing available.
 */
@Component
public class StockLevels {

    public static final String TABLE = "stock_levels";
    /** The consumer's name in {@code processed_messages}. */
    public static final String CONSUMER = "catalog-stock-levels";

    private static final JsonEventCodec<InventoryEvent> CODEC = JsonEventCodec.of(InventoryEvent.class);

    private final JdbcTemplate jdbc;

    StockLevels(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Applies one event from {@code inventory.events}; events of types this catalog does not know are skipped. */
    public void on(IncomingEvent incoming) {
        if (!CODEC.typeNames().contains(incoming.type())) {
            return;
        }
        switch (CODEC.deserialize(incoming.type(), incoming.data(), incoming.schemaVersion())) {
            case SkuEvent levels -> record(levels.sku(), Math.max(0, levels.onHand() - levels.reserved()),
                    incoming.version());
            case ReservationEvent reservation -> {
                // the answers to orders' reservation commands; the levels arrive as SkuEvents
            }
        }
    }

    /** What is available of {@code sku} (0 if inventory never reported on it). */
    public int available(String sku) {
        return jdbc.query("SELECT available FROM " + TABLE + " WHERE sku = ?", (row, n) -> row.getInt(1), sku)
                .stream().findFirst().orElse(0);
    }

    private void record(String sku, int available, long version) {
        int updated = jdbc.update("UPDATE " + TABLE + " SET available = ?, version = ? WHERE sku = ? AND version < ?",
                available, version, sku, version);
        if (updated == 0) {
            Integer known = jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE + " WHERE sku = ?", Integer.class, sku);
            if (known == null || known == 0) {
                jdbc.update("INSERT INTO " + TABLE + " (sku, available, version) VALUES (?, ?, ?)", sku, available,
                        version);
            }
        }
    }
}
