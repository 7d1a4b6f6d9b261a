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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Events shared by the handler tests. */
final class Events {


    static final String EVENT_ID = "9b2f6c1e-4d5a-4e7b-8c9d-0a1b2c3d4e5f";
    static final Address ADDRESS = new Address("Ann", "1 Main St", "", "Springfield", "12345", "US");

    static Stream<AccountEvent> otherAccountEvents() {
        return Stream.of(new AccountEvent.AccountActivated("acc-1"),
                new AccountEvent.AccountSuspended("acc-1", "fraud"),
                new AccountEvent.AccountReactivated("acc-1", "ACTIVE"),
                new AccountEvent.AccountArchived("acc-1"),
                new AccountEvent.AddressChanged("acc-1", ADDRESS),
                new AccountEvent.CardSaved("acc-1", "tok-1", "VISA", "4242", 12, 2030),
                new AccountEvent.CardRemoved("acc-1", "tok-1"));
    }

    static Stream<OrderEvent> otherOrderEvents() {
        return Stream.of(
                new OrderEvent.OrderPlaced("o-1", "acc-7", "a@x.io", List.of(new OrderLine("SKU-1", "Mug", 1, 500, 500)),
                        500, 30, 530, ADDRESS, "tok-1"),
                new OrderEvent.OrderStockReserved("o-1"),
                new OrderEvent.OrderPaymentAuthorized("o-1", 530),
                new OrderEvent.OrderDelivered("o-1", "acc-7"));
    }

    private Events() {
    }
}
