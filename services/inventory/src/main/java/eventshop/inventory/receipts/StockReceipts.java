package eventshop.inventory.receipts;

import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockDeallocated;
import eventshop.contracts.inventory.InventoryEvent.StockDispatched;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.inventory.stock.domain.Stock;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Read model of every sku's goods-in book: table {@code stock_receipts}, one row per {@code StockReceived}
 * with what brought the units in and the paperwork's reference. Receipts stored before schema version 2 of
 * {@code StockReceived} have neither; the codec's upcaster reads them as deliveries without a reference
 * ({@code docs/schema-evolution.md}). Query it through
 * {@code Projections.read(StockReceipts.NAME, token, tables -> StockReceipts.of(jdbc, tables, sku))}.
 */
@Component
public class StockReceipts extends StreamProjection<SkuEvent> {

    public static final String NAME = "stock_receipts";

    /** One receipt: {@code version} is the event's version in the sku's stream. */
    public record Line(long version, int quantity, String kind, String reference, Instant at) {
    }

    public StockReceipts() {
        super(NAME, Stock.streamId(""), JsonEventCodec.of(SkuEvent.class), List.of("stock_receipts"),
                "CREATE TABLE {stock_receipts} (sku VARCHAR(40) NOT NULL, stream_version BIGINT NOT NULL,"
                        + " quantity INT NOT NULL, kind VARCHAR(20) NOT NULL, reference VARCHAR(100) NOT NULL,"
                        + " received_at TIMESTAMP NOT NULL, PRIMARY KEY (sku, stream_version))");
    }

    @Override
    protected void on(SkuEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        switch (event) {
            case StockReceived received -> jdbc.update(tables.sql("INSERT INTO {stock_receipts}"
                            + " (sku, stream_version, quantity, kind, reference, received_at) VALUES (?, ?, ?, ?, ?, ?)"),
                    received.sku(), recorded.version(), received.quantity(), received.receipt().kind().name(),
                    received.receipt().reference(), Timestamp.from(recorded.metadata().timestamp()));
            case StockAllocated allocated -> {
            }
            case StockDeallocated deallocated -> {
            }
            case StockDispatched dispatched -> {
            }
        }
    }

    /** A sku's receipts in the given generation's tables, oldest first (at most the latest 500). */
    public static List<Line> of(JdbcTemplate jdbc, Tables tables, String sku) {
        List<Line> newestFirst = jdbc.query(tables.sql("SELECT stream_version, quantity, kind, reference, received_at"
                        + " FROM {stock_receipts} WHERE sku = ? ORDER BY stream_version DESC FETCH FIRST 500 ROWS ONLY"),
                (rs, row) -> new Line(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()), sku);
        return newestFirst.reversed();
    }
}
