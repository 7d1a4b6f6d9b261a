package eventshop.functions.handling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.accounts.AccountCommand.NotifyAdmins;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderLine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LowStockTest {

    private final LowStock lowStock = new LowStock(5);

    private Optional<Outgoing<AccountCommand>> allocated(int quantity, int onHand, int reserved) {
        return lowStock.on(new InventoryEvent.StockAllocated("SKU-1", "o-1", quantity, onHand, reserved), Events.EVENT_ID);
    }

    @ParameterizedTest(name = "take {0} leaving onHand {1} reserved {2}: alert {3}")
    @CsvSource({
            // available before = onHand - reserved + quantity, after = onHand - reserved
            "1, 10, 6, true",    // 5 -> 4: crosses
            "2, 10, 6, true",    // 6 -> 4: crosses
            "10, 10, 10, true",  // 10 -> 0: crosses to nothing
            "1, 10, 5, false",   // 6 -> 5: still at the threshold
            "1, 10, 7, false",   // 4 -> 3: already below before
            "3, 20, 2, false",   // 21 -> 18: far above
            "1, 4, 4, false"})   // 1 -> 0: already below
    void alerts_onlyWhenAvailableStockCrossesBelowTheThreshold(int quantity, int onHand, int reserved,
                                                               boolean alert) {
        Optional<Outgoing<AccountCommand>> out = allocated(quantity, onHand, reserved);

        assertThat(out.isPresent()).isEqualTo(alert);
        out.ifPresent(outgoing -> {
            NotifyAdmins notify = (NotifyAdmins) outgoing.command();
            assertThat(notify.kind()).isEqualTo(MessageKind.LOW_STOCK);
            assertThat(notify.subject()).contains("SKU-1");
            assertThat(notify.body()).contains(String.valueOf(onHand - reserved));
            assertThat(notify.messageId()).isEqualTo(DerivedIds.of("lowStock", Events.EVENT_ID).toString());
            assertThat(outgoing.key()).isEqualTo("SKU-1");
        });
    }

    @Test
    void otherInventoryEvents_sendNothing() {
        List<InventoryEvent> others = List.of(new InventoryEvent.StockReceived("SKU-1", 10, 1, 0),
                new InventoryEvent.StockDeallocated("SKU-1", "o-1", 5, 10, 9),
                new InventoryEvent.StockDispatched("SKU-1", "o-1", 5, 1, 0),
                new InventoryEvent.StockReserved("o-1", List.of(new StockLine("SKU-1", 1))),
                new InventoryEvent.StockReservationRejected("o-1", List.of(), List.of()),
                new InventoryEvent.StockReleased("o-1", List.of()),
                new InventoryEvent.StockShipped("o-1", List.of()));
        assertThat(others).allMatch(event -> lowStock.on(event, Events.EVENT_ID).isEmpty());
    }

    @Test
    void theThreshold_isConfigurable_andAtLeastOne() {
        LowStock ten = new LowStock(10);
        assertThat(ten.on(new InventoryEvent.StockAllocated("SKU-1", "o-1", 1, 19, 10), Events.EVENT_ID)).isPresent();
        assertThat(ten.on(new InventoryEvent.StockAllocated("SKU-1", "o-1", 1, 20, 10), Events.EVENT_ID)).isEmpty();
        assertThatThrownBy(() -> new LowStock(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
