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
import eventshop.contracts.orders.SagaStep;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FulfilmentTest {

    private final Fulfilment fulfilment = new Fulfilment();

    @Test
    void shipmentRequested_shipsTheOrdersStock() {
        Outgoing<?> out = fulfilment.on(new OrderEvent.ShipmentRequested("o-1", 1, Events.DEADLINE), Events.EVENT_ID)
                .orElseThrow();

        assertThat(out.command()).isEqualTo(new ShipStock("o-1"));
        assertThat(out.key()).isEqualTo("order-o-1");
        assertThat(out.id()).isEqualTo(DerivedIds.of("fulfilment", Events.EVENT_ID));
    }

    @Test
    void aRetriedShipment_isANewCommand_aRedeliveredOneTheSame() {
        OrderEvent first = new OrderEvent.ShipmentRequested("o-1", 1, Events.DEADLINE);
        OrderEvent retry = new OrderEvent.ShipmentRequested("o-1", 2, Events.DEADLINE.plusSeconds(30));
        String retryId = UUID.randomUUID().toString();

        assertThat(fulfilment.on(first, Events.EVENT_ID)).isEqualTo(fulfilment.on(first, Events.EVENT_ID));
        assertThat(fulfilment.on(retry, retryId).orElseThrow().id())
                .isNotEqualTo(fulfilment.on(first, Events.EVENT_ID).orElseThrow().id());
    }

    @Test
    void otherOrderEvents_sendNothing() {
        assertThat(Events.otherOrderEvents().filter(event -> !(event instanceof OrderEvent.ShipmentRequested))
                .map(event -> fulfilment.on(event, Events.EVENT_ID))).allMatch(Optional::isEmpty);
        assertThat(fulfilment.on(new OrderEvent.OrderConfirmed("o-1", "acc-7"), Events.EVENT_ID)).isEmpty();
    }
}
