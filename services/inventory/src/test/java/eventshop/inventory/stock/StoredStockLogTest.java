package eventshop.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.Receipt;
import eventshop.contracts.inventory.InventoryEvent.ReceiptKind;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.schema.Upcasters;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.file.FileEventStore;
import eventshop.inventory.stock.domain.Stock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file-engine log written before {@code StockReceived} had a receipt (schema version 1), kept as the engine
 * wrote it ({@code stock-log-v1/log/00000000000000000000.log}, 573 bytes): stream {@code stock-SKU-24642} holds
 * <ol>
 * <li>{@code StockReceived {"sku":"SKU-24642","quantity":10,"onHand":10,"reserved":0}}</li>
 * <li>{@code StockAllocated {"sku":"SKU-24642","orderId":"order-v1","quantity":3,"onHand":10,"reserved":3}}</li>
 * <li>{@code StockReceived {"sku":"SKU-24642","quantity":5,"onHand":15,"reserved":3}}</li>
 * </ol>
 * all with schema version 1 in their metadata. Today's code folds it, publishes it in the current version,
 * and appends a version-2 receipt after it, which the log then keeps beside the old ones across a restart.
 */
class StoredStockLogTest {

    private static final String SKU = "SKU-24642";
    private static final JsonEventCodec<InventoryEvent> CODEC = JsonEventCodec.of(InventoryEvent.class);

    @TempDir
    Path data;

    @Test
    void aLogWrittenBeforeReceiptsHadAKind_folds_isPublishedAsVersion2_andTakesNewReceiptsAfterIt() throws Exception {
        // given
        copyFixture();
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
        Receipt stocktake = new Receipt(ReceiptKind.STOCKTAKE_FOUND, "ST-2026-12");

        try (FileEventStore store = FileEventStore.open(data)) {
            Stocks stocks = new Stocks(store, clock, UUID::randomUUID, "inventory", Stocks.SNAPSHOT_EVERY, new SimpleMeterRegistry());
            List<RecordedEvent> stored = store.read(Stock.streamId(SKU), 0).collectList().block();

            // then the old events fold and decode as today's records
            assertThat(stored).extracting(event -> event.metadata().schemaVersion()).containsExactly(1, 1, 1);
            assertThat(stocks.state(SKU)).isEqualTo(new Stock.Stocked(SKU, 15, 3, Map.of("order-v1", 3)));
            assertThat(stored.stream().map(CODEC::decode)).containsExactly(
                    new StockReceived(SKU, 10, 10, 0, Receipt.UNREFERENCED_DELIVERY),
                    new StockAllocated(SKU, "order-v1", 3, 10, 3),
                    new StockReceived(SKU, 5, 15, 3, Receipt.UNREFERENCED_DELIVERY));

            // and what the relay publishes of them is the current version of each type
            List<RecordedEvent> published = stored.stream().map(Upcasters.published()::toCurrent).toList();
            assertThat(published).extracting(event -> event.metadata().schemaVersion()).containsExactly(2, 1, 2);
            assertThat(new String(published.get(2).data(), StandardCharsets.UTF_8)).isEqualTo(
                    "{\"sku\":\"SKU-24642\",\"quantity\":5,\"onHand\":15,\"reserved\":3,"
                            + "\"receipt\":{\"kind\":\"DELIVERY\",\"reference\":\"\"}}");
            assertThat(published.get(1)).isSameAs(stored.get(1));

            // when today's code receives stock on that history
            stocks.handle(new Stock.ReceiveStock(SKU, 4, stocktake), CommandContext.start(UUID.randomUUID(), "admin-1"));
        }

        // then after a restart the log holds both versions, and folds to the same
        try (FileEventStore store = FileEventStore.open(data)) {
            List<RecordedEvent> stored = store.read(Stock.streamId(SKU), 0).collectList().block();
            assertThat(stored).extracting(event -> event.metadata().schemaVersion()).containsExactly(1, 1, 1, 2);
            assertThat(CODEC.decode(stored.getLast())).isEqualTo(new StockReceived(SKU, 4, 19, 3, stocktake));
            assertThat(new Stocks(store, clock, UUID::randomUUID, "inventory", Stocks.SNAPSHOT_EVERY, new SimpleMeterRegistry()).state(SKU))
                    .isEqualTo(new Stock.Stocked(SKU, 19, 3, Map.of("order-v1", 3)));
        }
    }

    private void copyFixture() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/eventshop/inventory/stock-log-v1").toURI());
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path file : files.toList()) {
                Path target = data.resolve(fixture.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
