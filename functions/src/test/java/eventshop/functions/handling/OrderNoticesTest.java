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
import eventshop.contracts.orders.OrderStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OrderNoticesTest {

    private final OrderNotices notices = new OrderNotices();

    @Test
    void confirmed_shipped_andCancelled_areDeliveredToTheCustomer() {
        DeliverMessage confirmed = deliver(notices.on(new OrderEvent.OrderConfirmed("o-1", "acc-7"), Events.EVENT_ID));
        assertThat(confirmed.accountId()).isEqualTo("acc-7");
        assertThat(confirmed.kind()).isEqualTo(MessageKind.ORDER_CONFIRMED);
        assertThat(confirmed.subject()).contains("o-1");
        assertThat(confirmed.code()).isEmpty();
        assertThat(confirmed.messageId()).isEqualTo(DerivedIds.of("orderNotices", Events.EVENT_ID).toString());

        DeliverMessage shipped = deliver(notices.on(new OrderEvent.OrderShipped("o-1", "acc-7"), Events.EVENT_ID));
        assertThat(shipped.kind()).isEqualTo(MessageKind.ORDER_SHIPPED);
        assertThat(shipped.accountId()).isEqualTo("acc-7");

        DeliverMessage cancelled = deliver(notices.on(new OrderEvent.OrderCancelled("o-1", "acc-7",
                CancellationReason.PAYMENT_DECLINED, "insufficient funds", OrderStatus.STOCK_RESERVED),
                Events.EVENT_ID));
        assertThat(cancelled.kind()).isEqualTo(MessageKind.ORDER_CANCELLED);
        assertThat(cancelled.body()).contains("payment was declined").contains("insufficient funds");
    }

    @Test
    void theKey_isTheCustomer() {
        assertThat(notices.on(new OrderEvent.OrderShipped("o-1", "acc-7"), Events.EVENT_ID).orElseThrow().key())
                .isEqualTo("acc-7");
    }

    @ParameterizedTest
    @CsvSource({"OUT_OF_STOCK,out of stock", "PAYMENT_DECLINED,declined", "CUSTOMER_CANCELLED,you cancelled",
            "TIMED_OUT,in time", "ADMIN_CANCELLED,by the store", "ACCOUNT_SUSPENDED,account is suspended",
            "ACCOUNT_ARCHIVED,account is closed"})
    void everyCancellationReason_isSaid(CancellationReason reason, String words) {
        assertThat(deliver(notices.on(new OrderEvent.OrderCancelled("o-1", "acc-7", reason, "", OrderStatus.PLACED),
                Events.EVENT_ID)).body())
                .contains(words).doesNotContain("()");
    }

    @ParameterizedTest
    @MethodSource("eventshop.functions.handling.Events#otherOrderEvents")
    void otherOrderEvents_sendNothing(OrderEvent event) {
        assertThat(notices.on(event, Events.EVENT_ID)).isEmpty();
    }

    @Test
    void theSameEventTwice_givesTheSameMessageId() {
        OrderEvent confirmed = new OrderEvent.OrderConfirmed("o-1", "acc-7");
        assertThat(notices.on(confirmed, Events.EVENT_ID)).isEqualTo(notices.on(confirmed, Events.EVENT_ID));
    }

    private DeliverMessage deliver(Optional<Outgoing<AccountCommand>> out) {
        return (DeliverMessage) out.orElseThrow().command();
    }
}
