package eventshop.orders.saga;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.events;
import static eventshop.orders.Fixtures.message;
import static eventshop.orders.Fixtures.newId;
import static eventshop.orders.Fixtures.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.Address;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountActivated;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountReactivated;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import eventshop.contracts.accounts.AccountEvent.AddressChanged;
import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderStatus;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.OrdersTest;
import eventshop.orders.customers.CustomerStandings;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.CustomerStanding;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders and the customers' accounts: the {@code ordersAccounts} consumer handed {@code accounts.events} as
 * the binder would, next to the saga's own consumers. A customer who may not shop gets no order confirmed,
 * whichever comes first: the account's event or the order's replies.
 */
@OrdersTest
class AccountStandingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    @Qualifier("ordersAccounts")
    Consumer<Message<byte[]>> accounts;
    @Autowired
    @Qualifier("ordersCarts")
    Consumer<Message<byte[]>> carts;
    @Autowired
    @Qualifier("ordersInventory")
    Consumer<Message<byte[]>> inventory;
    @Autowired
    @Qualifier("ordersPayments")
    Consumer<Message<byte[]>> payments;
    @Autowired
    Orders orders;
    @Autowired
    CustomerStandings standings;
    @Autowired
    EventStore store;

    final String customer = UUID.randomUUID().toString();
    int version;

    // ---- helpers

    /** The customer's next account event, as accounts' relay publishes it (stream version and all). */
    Message<byte[]> accountEvent(AccountEvent event) {
        return accountEvent(event, version++);
    }

    Message<byte[]> accountEvent(AccountEvent event, long streamVersion) {
        return MessageBuilder.withPayload(JSON.writeValueAsBytes(event))
                .setHeader(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_TYPE, event.getClass().getSimpleName().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.STREAM_ID, ("account-" + event.accountId()).getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.STREAM_VERSION, Long.toString(streamVersion).getBytes(StandardCharsets.UTF_8))
                .build();
    }

    void registeredAndActive() {
        accounts.accept(accountEvent(new AccountRegistered(customer, "c@example.com", "C", "CUSTOMER", "123456")));
        accounts.accept(accountEvent(new AccountEvent.AccountConfirmed(customer)));
        accounts.accept(accountEvent(new AccountActivated(customer)));
    }

    String placed() {
        String orderId = newId();
        carts.accept(message("cart-" + customer, checkout(customer, orderId)));
        return orderId;
    }

    String reserved() {
        String orderId = placed();
        inventory.accept(message("reservation-" + orderId, new StockReserved(orderId, lines())));
        assertThat(status(orderId)).isEqualTo(OrderStatus.STOCK_RESERVED);
        return orderId;
    }

    String confirmed() {
        String orderId = reserved();
        payments.accept(message("payment-" + orderId, new PaymentAuthorized(orderId, customer, 3179, "VISA", "4242")));
        assertThat(status(orderId)).isEqualTo(OrderStatus.CONFIRMED);
        return orderId;
    }

    static List<StockLine> lines() {
        return List.of(new StockLine("SKU-1", 2), new StockLine("SKU-2", 1));
    }

    OrderStatus status(String orderId) {
        return Order.status(orders.load(orderId).state());
    }

    List<String> types(String orderId) {
        return recorded(store, orderId).stream().map(RecordedEvent::type).toList();
    }

    OrderCancelled cancellation(String orderId) {
        return events(store, orderId).stream().filter(OrderCancelled.class::isInstance).map(OrderCancelled.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("not cancelled: " + types(orderId)));
    }

    // ---- tests

    @Nested
    class TheAccountsEventFirst {

        @Test
        void aCheckoutOfASuspendedCustomer_isPlacedAndCancelledAtOnce_andNoStockIsAsked() {
            registeredAndActive();
            accounts.accept(accountEvent(new AccountSuspended(customer, "chargebacks")));

            String order = placed();

            assertThat(types(order)).containsExactly("OrderPlaced", "OrderCancelled");
            assertThat(cancellation(order).reason()).isEqualTo(CancellationReason.ACCOUNT_SUSPENDED);
        }

        @Test
        void aCheckoutOfAnArchivedCustomer_isCancelledAsArchived() {
            registeredAndActive();
            accounts.accept(accountEvent(new AccountArchived(customer)));

            assertThat(cancellation(placed()).reason()).isEqualTo(CancellationReason.ACCOUNT_ARCHIVED);
        }

        @Test
        void aReactivatedCustomer_shopsAgain() {
            registeredAndActive();
            accounts.accept(accountEvent(new AccountSuspended(customer, "checking")));
            accounts.accept(accountEvent(new AccountReactivated(customer, "ACTIVE")));

            assertThat(types(placed())).containsExactly("OrderPlaced", "StockReservationRequested");
        }

        @Test
        void aCustomerOrdersNeverHeardOf_mayShop() {
            assertThat(standings.of(customer)).isEqualTo(CustomerStanding.MAY_SHOP);
            assertThat(types(placed())).containsExactly("OrderPlaced", "StockReservationRequested");
        }

        @Test
        void anOlderEventDeliveredLate_doesNotUndoANewerStanding() {
            registeredAndActive();
            accounts.accept(accountEvent(new AccountSuspended(customer, "fraud"), 10));
            // a dead letter of the activation replayed after the suspension
            accounts.accept(accountEvent(new AccountActivated(customer), 2));

            assertThat(standings.of(customer)).isEqualTo(CustomerStanding.SUSPENDED);
        }

        @Test
        void addressAndCardEvents_andUnknownTypes_changeNothing() {
            registeredAndActive();
            accounts.accept(accountEvent(new AccountSuspended(customer, "x")));
            accounts.accept(accountEvent(new AddressChanged(customer, new Address("C", "1 St", "", "Town", "1", "GB"))));
            accounts.accept(MessageBuilder.withPayload("{}".getBytes())
                    .setHeader(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
                    .setHeader(EventHeaders.EVENT_TYPE, "AccountRenamed".getBytes(StandardCharsets.UTF_8))
                    .build());

            assertThat(standings.of(customer)).isEqualTo(CustomerStanding.SUSPENDED);
        }

        @Test
        void anUnreadableLifecycleEvent_isMalformed_andChangesNothing() {
            Message<byte[]> broken = MessageBuilder.withPayload("{\"accountId\":".getBytes())
                    .setHeader(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
                    .setHeader(EventHeaders.EVENT_TYPE, "AccountSuspended".getBytes(StandardCharsets.UTF_8))
                    .build();

            assertThatThrownBy(() -> accounts.accept(broken)).isInstanceOf(MalformedMessage.class);
            assertThat(standings.of(customer)).isEqualTo(CustomerStanding.MAY_SHOP);
        }
    }

    @Nested
    class OrdersInFlightWhenTheSuspensionLands {

        @Test
        void anOrderWaitingForItsStock_isCancelled_andTheStockReleased() {
            registeredAndActive();
            String order = placed();

            accounts.accept(accountEvent(new AccountSuspended(customer, "chargebacks")));

            assertThat(types(order)).containsExactly("OrderPlaced", "StockReservationRequested", "OrderCancelled",
                    "StockReleaseRequested");
            OrderCancelled cancelled = cancellation(order);
            assertThat(cancelled.reason()).isEqualTo(CancellationReason.ACCOUNT_SUSPENDED);
            assertThat(cancelled.detail()).isEqualTo("the customer's account is suspended");
            // the reservation's late answer asks nothing more; the release settles it
            inventory.accept(message("reservation-" + order, new StockReserved(order, lines())));
            inventory.accept(message("reservation-" + order, new StockReleased(order, lines())));
            assertThat(types(order)).endsWith("StockReleaseRequested", "CompensationCompleted");
        }

        @Test
        void anOrderWaitingForItsPayment_isCancelled_releasingTheStock_andVoidingThePayment() {
            registeredAndActive();
            String order = reserved();

            accounts.accept(accountEvent(new AccountArchived(customer)));

            assertThat(cancellation(order).reason()).isEqualTo(CancellationReason.ACCOUNT_ARCHIVED);
            assertThat(types(order)).endsWith("OrderCancelled", "StockReleaseRequested", "PaymentVoidRequested");
            // the authorization comes late: nothing is confirmed, the void settles it
            payments.accept(message("payment-" + order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242")));
            payments.accept(message("payment-" + order, new PaymentVoided(order, 3179)));
            assertThat(types(order)).doesNotContain("OrderConfirmed", "PaymentCaptureRequested");
            assertThat(status(order)).isEqualTo(OrderStatus.CANCELLED);
        }

        @Test
        void everyOrderNotYetConfirmed_isCancelled_aConfirmedOneIsKept() {
            registeredAndActive();
            String waitingForStock = placed();
            String waitingForPayment = reserved();
            String confirmed = confirmed();

            accounts.accept(accountEvent(new AccountSuspended(customer, "chargebacks")));

            assertThat(status(waitingForStock)).isEqualTo(OrderStatus.CANCELLED);
            assertThat(status(waitingForPayment)).isEqualTo(OrderStatus.CANCELLED);
            assertThat(status(confirmed)).isEqualTo(OrderStatus.CONFIRMED);
            assertThat(types(confirmed)).doesNotContain("OrderCancelled");
        }

        @Test
        void anotherCustomersOrders_areLeftAlone() {
            registeredAndActive();
            String mine = placed();
            String someoneElses = newId();
            carts.accept(message("cart-other", checkout(newId(), someoneElses)));

            accounts.accept(accountEvent(new AccountSuspended(customer, "chargebacks")));

            assertThat(status(mine)).isEqualTo(OrderStatus.CANCELLED);
            assertThat(status(someoneElses)).isEqualTo(OrderStatus.PLACED);
        }

        @Test
        void theSuspensionDeliveredTwice_cancelsOnce() {
            registeredAndActive();
            String order = placed();
            Message<byte[]> suspended = accountEvent(new AccountSuspended(customer, "chargebacks"));

            accounts.accept(suspended);
            accounts.accept(suspended);
            accounts.accept(accountEvent(new AccountSuspended(customer, "again")));

            assertThat(types(order).stream().filter("OrderCancelled"::equals)).hasSize(1);
            assertThat(types(order).stream().filter("StockReleaseRequested"::equals)).hasSize(1);
        }
    }

    @Nested
    class TheOrdersReplyFirst {

        // The standing is recorded, but the consumer's cancel of the open orders has not reached this order
        // (it was placed while the suspension was being handled): the saga's own look stops it.

        @Test
        void stockReservedAfterTheStandingChanged_releasesTheStock_andAsksNoPayment() {
            registeredAndActive();
            String order = placed();
            standings.record(customer, CustomerStanding.SUSPENDED, 100);

            inventory.accept(message("reservation-" + order, new StockReserved(order, lines())));

            assertThat(types(order)).containsExactly("OrderPlaced", "StockReservationRequested", "OrderCancelled",
                    "StockReleaseRequested");
            assertThat(cancellation(order).reason()).isEqualTo(CancellationReason.ACCOUNT_SUSPENDED);
        }

        @Test
        void anAuthorizationAfterTheStandingChanged_confirmsNothing_releasesAndVoids() {
            registeredAndActive();
            String order = reserved();
            standings.record(customer, CustomerStanding.ARCHIVED, 100);

            payments.accept(message("payment-" + order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242")));

            List<OrderEvent> events = events(store, order);
            assertThat(events).noneMatch(event -> event instanceof OrderEvent.OrderConfirmed);
            assertThat(types(order)).endsWith("OrderCancelled", "StockReleaseRequested", "PaymentVoidRequested");
            assertThat(cancellation(order).reason()).isEqualTo(CancellationReason.ACCOUNT_ARCHIVED);
        }
    }
}
