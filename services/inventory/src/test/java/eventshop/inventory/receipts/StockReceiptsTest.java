package eventshop.inventory.receipts;

import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.Receipt;
import eventshop.contracts.inventory.InventoryEvent.ReceiptKind;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.relay.LogRelay;
import eventshop.eventsourcing.relay.RelayCheckpoints;
import eventshop.eventsourcing.relay.RelayProperties;
import eventshop.eventsourcing.relay.RelayPublisher;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.inventory.FakeCatalog;
import eventshop.inventory.Fixtures;
import eventshop.inventory.InventoryTest;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.Stock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Schema evolution, end to end in the service: {@code StockReceived} of schema version 1 (no receipt; the bytes
 * the code before version 2 wrote) stored in the log, then folded, projected, published by the relay and
 * rebuilt, each in the version-2 shape (a delivery without a reference).
 */
@InventoryTest
class StockReceiptsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Autowired
    MockMvc http;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    Stocks stocks;
    @Autowired
    Projections projections;

    private String admin() {
        return "Bearer " + tokens.mint(EdgeUser.admin("admin-1", "admin@example.com"));
    }

    /** What the code before schema version 2 stored for a first receipt of 10 and an allocation of 3. */
    private void storeVersion1History(String sku) {
        Metadata v1 = new Metadata("corr-v1", "cmd-v1", "admin-1", Instant.parse("2026-11-02T09:00:00Z"), 1, Map.of());
        store.append(Stock.streamId(sku), ExpectedVersion.noStream(), List.of(
                new EventData(UUID.randomUUID(), "StockReceived", ("{\"sku\":\"" + sku
                        + "\",\"quantity\":10,\"onHand\":10,\"reserved\":0}").getBytes(StandardCharsets.UTF_8), v1),
                new EventData(UUID.randomUUID(), "StockAllocated", ("{\"sku\":\"" + sku
                        + "\",\"orderId\":\"order-v1\",\"quantity\":3,\"onHand\":10,\"reserved\":3}")
                        .getBytes(StandardCharsets.UTF_8), v1)));
    }

    @Test
    void version1Receipts_areFolded_projected_published_andRebuilt_asUnreferencedDeliveries() throws Exception {
        // given
        String sku = newSku("V1");
        FakeCatalog.add(sku);
        storeVersion1History(sku);

        // when a receipt of today's code is decided on the folded version-1 history
        String token = http.perform(post("/api/inventory/{sku}/receipts", sku).header("Authorization", admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"quantity\":2,\"kind\":\"CUSTOMER_RETURN\",\"reference\":\"RMA-1042\"}"))
                .andExpect(status().isOk())
                .andExpect(content().json("{\"onHand\":12,\"reserved\":3,\"available\":9}"))
                .andReturn().getResponse().getHeader(ConsistencyToken.HEADER);

        // then the fold saw the old receipt and the allocation
        assertThat(stocks.state(sku)).isEqualTo(new Stock.Stocked(sku, 12, 3, Map.of("order-v1", 3)));
        // the new event is written in version 2, the old ones stay as they were
        List<RecordedEvent> stored = Fixtures.recorded(store, Stock.streamId(sku));
        assertThat(stored).extracting(event -> event.metadata().schemaVersion()).containsExactly(1, 1, 2);
        assertThat(Fixtures.events(store, Stock.streamId(sku))).containsExactly(
                new StockReceived(sku, 10, 10, 0, Receipt.UNREFERENCED_DELIVERY),
                new StockAllocated(sku, "order-v1", 3, 10, 3),
                new StockReceived(sku, 2, 12, 3, new Receipt(ReceiptKind.CUSTOMER_RETURN, "RMA-1042")));

        // the projection shows both receipts in the new shape
        String book = "{\"sku\":\"" + sku + "\",\"receipts\":["
                + "{\"version\":0,\"quantity\":10,\"kind\":\"DELIVERY\",\"reference\":\"\",\"at\":\"2026-11-02T09:00:00Z\"},"
                + "{\"version\":2,\"quantity\":2,\"kind\":\"CUSTOMER_RETURN\",\"reference\":\"RMA-1042\"}]}";
        http.perform(get("/api/inventory/{sku}/receipts", sku).header("Authorization", admin())
                        .header(ConsistencyToken.HEADER, token))
                .andExpect(status().isOk())
                .andExpect(content().json(book));

        // the relay publishes the old receipt as version 2, which consumers decode, old ones ignoring the receipt
        RecordedEvent published = relay().published(stored.getFirst());
        assertThat(EventHeaders.of(published, "inventory")).containsEntry(EventHeaders.SCHEMA_VERSION, "2")
                .containsEntry(EventHeaders.EVENT_TYPE, "StockReceived")
                .containsEntry(EventHeaders.EVENT_ID, stored.getFirst().eventId().toString());
        assertThat(new String(published.data(), StandardCharsets.UTF_8))
                .contains("\"receipt\":{\"kind\":\"DELIVERY\",\"reference\":\"\"}");
        assertThat(JsonEventCodec.of(InventoryEvent.class).decode(published))
                .isEqualTo(new StockReceived(sku, 10, 10, 0, Receipt.UNREFERENCED_DELIVERY));
        assertThat(JsonEventCodec.of(BeforeReceipts.class).deserialize("StockReceived", published.data(), 1))
                .isEqualTo(new BeforeReceipts.StockReceived(sku, 10, 10, 0));
        assertThat(relay().published(stored.getLast())).isSameAs(stored.getLast());

        // and a rebuild from the log reads the version-1 receipt the same way
        projections.rebuild(StockReceipts.NAME);
        await().atMost(PATIENCE).until(() -> projections.status(StockReceipts.NAME).rebuild() == null);
        http.perform(get("/api/inventory/{sku}/receipts", sku).header("Authorization", admin()))
                .andExpect(status().isOk())
                .andExpect(content().json(book));
    }

    @Test
    void aReceiptWithoutKindOrReference_isAnUnreferencedDelivery_andATooLongReference_isRefused() throws Exception {
        String sku = newSku("KIND");
        FakeCatalog.add(sku);

        http.perform(post("/api/inventory/{sku}/receipts", sku).header("Authorization", admin())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"quantity\":4}"))
                .andExpect(status().isOk());
        http.perform(post("/api/inventory/{sku}/receipts", sku).header("Authorization", admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"quantity\":4,\"reference\":\"" + "R".repeat(Stock.MAX_REFERENCE + 1) + "\"}"))
                .andExpect(status().is4xxClientError());
        http.perform(post("/api/inventory/{sku}/receipts", sku).header("Authorization", admin())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"quantity\":4,\"kind\":\"STOLEN\"}"))
                .andExpect(status().is4xxClientError());

        assertThat(Fixtures.events(store, Stock.streamId(sku))).containsExactly(
                new StockReceived(sku, 4, 4, 0, Receipt.UNREFERENCED_DELIVERY));
    }

    @Test
    void theReceiptBook_isTheAdminsOnly() throws Exception {
        http.perform(get("/api/inventory/{sku}/receipts", newSku("NOPE"))
                        .header("Authorization", "Bearer " + tokens.mint(EdgeUser.customer("acc-1", "a@x.io"))))
                .andExpect(status().isForbidden());
        http.perform(get("/api/inventory/{sku}/receipts", newSku("NONE")).header("Authorization", admin()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.receipts").isEmpty());
    }

    /** A consumer built before schema version 2 of {@code StockReceived}. */
    sealed interface BeforeReceipts {
        record StockReceived(String sku, int quantity, int onHand, int reserved) implements BeforeReceipts {
        }
    }

    /** The log relay as the service configures it (its publisher is never used here: nothing is started). */
    private LogRelay relay() {
        RelayPublisher unused = new RelayPublisher() {
            @Override
            public void listen(Listener listener) {
            }

            @Override
            public void publish(RecordedEvent event) {
                throw new AssertionError("this test never starts the relay, so nothing is published; got "
                        + event.type() + " at position " + event.position());
            }
        };
        RelayCheckpoints none = new RelayCheckpoints() {
            @Override
            public long load(String relay) {
                return -1;
            }

            @Override
            public void save(String relay, long position) {
            }
        };
        return new LogRelay("inventory", "inventory.events", store, unused, none,
                new RelayProperties(true, null, 4, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(200), Set.of(), Set.of()), new SimpleMeterRegistry());
    }
}
