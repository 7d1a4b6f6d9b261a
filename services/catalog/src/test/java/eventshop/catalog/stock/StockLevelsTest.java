package eventshop.catalog.stock;

import static eventshop.catalog.stock.InventoryMessages.message;
import static eventshop.catalog.stock.InventoryMessages.stock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.catalog.CatalogTest;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockDeallocated;
import eventshop.contracts.inventory.InventoryEvent.StockDispatched;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.StockLine;
import eventshop.eventsourcing.schema.SchemaVersionTooNew;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.messaging.Message;

/** The consumer of {@code inventory.events}, fed messages built the way inventory's relay builds them. */
@CatalogTest
class StockLevelsTest {

    @Autowired
    @Qualifier("onInventoryEvents")
    Consumer<Message<byte[]>> onInventoryEvents;

    @Autowired
    StockLevels stockLevels;

    @Test
    void aSkuInventoryNeverReportedOn_hasNothingAvailable() {
        assertThat(stockLevels.available("STOCK-NEVER")).isZero();
    }

    @Test
    void everySkuEvent_setsWhatIsAvailable_asOnHandMinusReserved() {
        onInventoryEvents.accept(stock(0, new StockReceived("STOCK-1", 10, 10, 0)));
        assertThat(stockLevels.available("STOCK-1")).isEqualTo(10);

        onInventoryEvents.accept(stock(1, new StockAllocated("STOCK-1", "order-1", 3, 10, 3)));
        assertThat(stockLevels.available("STOCK-1")).isEqualTo(7);

        onInventoryEvents.accept(stock(2, new StockDispatched("STOCK-1", "order-1", 3, 7, 0)));
        assertThat(stockLevels.available("STOCK-1")).isEqualTo(7);

        onInventoryEvents.accept(stock(3, new StockAllocated("STOCK-1", "order-2", 2, 7, 2)));
        onInventoryEvents.accept(stock(4, new StockDeallocated("STOCK-1", "order-2", 2, 7, 0)));
        assertThat(stockLevels.available("STOCK-1")).isEqualTo(7);
    }

    @Test
    void aRedeliveredEvent_changesNothing() {
        Message<byte[]> received = stock(0, new StockReceived("STOCK-2", 5, 5, 0));
        onInventoryEvents.accept(received);
        onInventoryEvents.accept(stock(1, new StockAllocated("STOCK-2", "order-1", 4, 5, 4)));

        onInventoryEvents.accept(received);

        assertThat(stockLevels.available("STOCK-2")).isEqualTo(1);
    }

    @Test
    void anOlderVersion_arrivingLate_changesNothing() {
        onInventoryEvents.accept(stock(7, new StockReceived("STOCK-3", 20, 20, 0)));

        onInventoryEvents.accept(stock(6, new StockReceived("STOCK-3", 5, 5, 0)));
        onInventoryEvents.accept(stock(7, new StockReceived("STOCK-3", 5, 5, 0)));

        assertThat(stockLevels.available("STOCK-3")).isEqualTo(20);
    }

    @Test
    void reservationEvents_andUnknownTypes_areSkipped() {
        onInventoryEvents.accept(stock(0, new StockReceived("STOCK-4", 3, 3, 0)));

        onInventoryEvents.accept(message("reservation-order-9", 0,
                new StockReserved("order-9", List.of(new StockLine("STOCK-4", 3)))));
        onInventoryEvents.accept(message(UUID.randomUUID(), "stock-STOCK-4", 1, "StockCounted",
                "{\"sku\":\"STOCK-4\",\"onHand\":0,\"reserved\":0}".getBytes(StandardCharsets.UTF_8)));

        assertThat(stockLevels.available("STOCK-4")).isEqualTo(3);
    }

    @Test
    void aReceiptPublishedInSchemaVersion1_beforeReceiptsHadAKind_isRead_andOneFromANewerInventory_isRefused() {
        // a record inventory published before StockReceived's schema version 2, still on the topic
        onInventoryEvents.accept(message(UUID.randomUUID(), "stock-STOCK-6", 0, "StockReceived",
                "{\"sku\":\"STOCK-6\",\"quantity\":6,\"onHand\":6,\"reserved\":0}".getBytes(StandardCharsets.UTF_8),
                1));
        assertThat(stockLevels.available("STOCK-6")).isEqualTo(6);

        // one of a schema version this catalog does not know yet is not read as an older one
        Message<byte[]> newer = message(UUID.randomUUID(), "stock-STOCK-6", 1, "StockReceived",
                "{\"sku\":\"STOCK-6\",\"quantity\":1,\"onHand\":7,\"reserved\":0}".getBytes(StandardCharsets.UTF_8),
                3);
        assertThatThrownBy(() -> onInventoryEvents.accept(newer)).isInstanceOf(SchemaVersionTooNew.class);
        assertThat(stockLevels.available("STOCK-6")).isEqualTo(6);
    }

    @Test
    void moreReservedThanOnHand_isNothingAvailable_notANegativeNumber() {
        onInventoryEvents.accept(stock(0, new StockReceived("STOCK-5", 1, 1, 2)));

        assertThat(stockLevels.available("STOCK-5")).isZero();
    }
}
