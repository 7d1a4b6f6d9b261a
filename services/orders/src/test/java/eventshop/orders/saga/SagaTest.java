package eventshop.orders.saga;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.events;
import static eventshop.orders.Fixtures.message;
import static eventshop.orders.Fixtures.newId;
import static eventshop.orders.Fixtures.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.carts.CartEvent.CartItemAdded;
import eventshop.contracts.carts.CartEvent.CartRestored;
import eventshop.contracts.carts.CartEvent.RestoredLine;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReservationRejected;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderStatus;
import eventshop.contracts.payments.PaymentEvent.DeclineReason;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.OrdersTest;
import eventshop.eventsourcing.testing.TestClock;
import eventshop.orders.deadlines.DeadlineScheduler;
import eventshop.orders.deadlines.Deadlines;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderMessages;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.OrderConfirmed;
import eventshop.orders.order.domain.OrderEvent.PaymentRefundRequested;
import eventshop.orders.order.domain.OrderEvent.StockReleaseRequested;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import eventshop.orders.order.domain.SagaStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/**
 * The saga in the running service: the consumers' beans handed messages as the binder would, the deadline
 * scheduler polled with a clock the test moves. Every path ends in a terminal state with no deadline left.
 */
@OrdersTest
class SagaTest {

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
    EventStore store;
    @Autowired
    DeadlineScheduler scheduler;
    @Autowired
    Projections projections;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TestClock clock;
    @Autowired
    MeterRegistry meters;

    String customer = newId();

    // ---- helpers

    String placed() {
        String orderId = newId();
        carts.accept(message("cart-" + customer, checkout(customer, orderId)));
        return orderId;
    }

    void stockReply(String orderId, Object reply) {
        inventory.accept(message("reservation-" + orderId, reply));
    }

    void paymentReply(String orderId, Object reply) {
        payments.accept(message("payment-" + orderId, reply));
    }

    static List<StockLine> lines() {
        return List.of(new StockLine("SKU-1", 2), new StockLine("SKU-2", 1));
    }

    OrderStatus status(String orderId) {
        return Order.status(orders.load(orderId).state());
    }

    /** Moves the clock, lets the deadlines read model catch up with the log, and polls the scheduler once. */
    void timePasses(Duration duration) {
        clock.advance(duration);
        String head = new ConsistencyToken("orders", store.headPosition()).toString();
        projections.read(Deadlines.NAME, head, tables -> null);
        scheduler.pollOnce();
    }

    List<Deadlines.Due> deadlines(String orderId) {
        String head = new ConsistencyToken("orders", store.headPosition()).toString();
        return projections.read(Deadlines.NAME, head, tables -> Deadlines.of(jdbc, tables, orderId));
    }

    List<OrderStatus> statuses(String orderId) {
        return events(store, orderId).stream().map(Order::statusAfter).filter(status -> status != null).toList();
    }

    List<String> types(String orderId) {
        return recorded(store, orderId).stream().map(RecordedEvent::type).toList();
    }

    void assertSettled(String orderId) {
        assertThat(deadlines(orderId)).as("deadlines left").isEmpty();
        Order.State state = orders.load(orderId).state();
        if (state instanceof Order.Cancelled cancelled) {
            assertThat(cancelled.compensations()).as("compensations owed").isEmpty();
        } else {
            assertThat(state).isInstanceOf(Order.Delivered.class);
        }
    }

    // ---- tests

    @Test
    void theHappyPath_endsDelivered_afterTheCarrierDelay() {
        String order = placed();
        assertThat(status(order)).isEqualTo(OrderStatus.PLACED);
        assertThat(deadlines(order)).extracting(Deadlines.Due::step).containsExactly(SagaStep.RESERVE_STOCK);

        stockReply(order, new StockReserved(order, lines()));
        assertThat(status(order)).isEqualTo(OrderStatus.STOCK_RESERVED);
        paymentReply(order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242"));
        assertThat(status(order)).isEqualTo(OrderStatus.CONFIRMED);
        paymentReply(order, new PaymentCaptured(order, 3179));
        assertThat(deadlines(order)).extracting(Deadlines.Due::step).containsExactly(SagaStep.SHIP_STOCK);
        stockReply(order, new StockShipped(order, lines()));
        assertThat(status(order)).isEqualTo(OrderStatus.SHIPPED);

        timePasses(Duration.ofMillis(1999));
        assertThat(status(order)).isEqualTo(OrderStatus.SHIPPED);
        timePasses(Duration.ofMillis(1));
        assertThat(status(order)).isEqualTo(OrderStatus.DELIVERED);

        assertThat(statuses(order)).containsExactly(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED,
                OrderStatus.PAYMENT_AUTHORIZED, OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED);
        assertThat(types(order)).containsExactly("OrderPlaced", "StockReservationRequested", "OrderStockReserved",
                "PaymentAuthorizationRequested", "OrderPaymentAuthorized", "OrderConfirmed", "PaymentCaptureRequested",
                "ShipmentRequested", "OrderShipped", "DeliveryScheduled", "OrderDelivered");
        assertSettled(order);
        assertThat(meters.counter("orders.saga.steps", "step", "DELIVER", "attempt", "first").count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.counter("orders.status", "status", "DELIVERED").count()).isGreaterThanOrEqualTo(1);
        String head = new ConsistencyToken("orders", store.headPosition()).toString();
        projections.read(eventshop.orders.order.OrderStatuses.NAME, head, tables -> null);
        assertThat(meters.get("orders.by.status").tag("status", "DELIVERED").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("orders.compensations.pending").gauge().value()).isNotNaN();
    }

    @Test
    void eachStepIsCausedByItsMessage_inTheCheckoutsConversation() {
        String order = placed();
        List<RecordedEvent> stored = recorded(store, order);
        assertThat(stored).allSatisfy(event -> assertThat(event.metadata().correlationId()).isEqualTo("checkout-1"));
        assertThat(stored.getFirst().metadata().actingUser()).isEmpty();
    }

    @Test
    void theSameCheckout_deliveredTwice_orRepublished_placesOneOrder() {
        String order = newId();
        Message<byte[]> checkout = message("cart-" + customer, checkout(customer, order));
        carts.accept(checkout);
        carts.accept(checkout);
        carts.accept(message("cart-" + customer, checkout(customer, order)));

        assertThat(types(order)).containsExactly("OrderPlaced", "StockReservationRequested");
    }

    @Test
    void otherCartEvents_andSkuEvents_areNotTheOrdersBusiness() {
        long head = store.headPosition();
        carts.accept(message("cart-" + customer, new CartItemAdded(customer, "SKU-1", 1, 1250L)));
        carts.accept(message("cart-" + customer, new CartRestored(customer, "o-earlier",
                List.of(new RestoredLine("SKU-1", 1, 1250)), List.of())));
        inventory.accept(message("stock-SKU-1", new StockAllocated("SKU-1", "o", 1, 5, 1)));
        inventory.accept(message(UUID.randomUUID(), "stock-SKU-1", "StockRecounted", "{}".getBytes()));
        payments.accept(message(UUID.randomUUID(), "payment-x", "PaymentDisputed", "{}".getBytes()));
        // replies for an order this service never placed
        stockReply("unknown", new StockReserved("unknown", lines()));
        paymentReply("unknown", new PaymentCaptured("unknown", 1));

        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void malformedMessages_fail_andStoreNothing() {
        long head = store.headPosition();
        assertThatThrownBy(() -> carts.accept(message(UUID.randomUUID(), "cart-x", "CartCheckedOut",
                "{\"customerId\":".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> carts.accept(message(UUID.randomUUID(), "cart-x", "CartCheckedOut",
                "{\"customerId\":\"c\",\"lines\":[]}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> inventory.accept(message(UUID.randomUUID(), "reservation-x", "StockReserved",
                "{\"lines\":[]}".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> payments.accept(message(UUID.randomUUID(), "payment-x", "PaymentCaptured",
                "[1]".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MalformedMessage.class);
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Nested
    class Compensations {

        @Test
        void outOfStock_cancels_withNothingLeft() {
            String order = placed();
            stockReply(order, new StockReservationRejected(order, lines(), List.of(new StockLine("SKU-1", 1))));

            assertThat(events(store, order)).last()
                    .isEqualTo(new OrderCancelled(order, customer, CancellationReason.OUT_OF_STOCK, "short: SKU-1 by 1",
                            OrderStatus.PLACED));
            assertSettled(order);
        }

        @Test
        void aDeclinedPayment_releasesTheStock_andCancels() {
            String order = placed();
            stockReply(order, new StockReserved(order, lines()));
            paymentReply(order, new PaymentDeclined(order, customer, 3179, DeclineReason.INSUFFICIENT_FUNDS));

            assertThat(status(order)).isEqualTo(OrderStatus.CANCELLED);
            assertThat(deadlines(order)).extracting(Deadlines.Due::step).containsExactly(SagaStep.RELEASE_STOCK);
            stockReply(order, new StockReleased(order, lines()));
            assertSettled(order);
        }

        @Test
        void theCustomersCancel_afterTheCapture_refunds_andReleases() {
            String order = placed();
            stockReply(order, new StockReserved(order, lines()));
            paymentReply(order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242"));

            orders.cancel(order, eventshop.orders.order.domain.Order.Canceller.CUSTOMER, CommandContext.start(UUID.randomUUID(), customer));
            // the capture was already on its way: it arrives late, after the void was asked
            paymentReply(order, new PaymentCaptured(order, 3179));

            assertThat(events(store, order)).filteredOn(PaymentRefundRequested.class::isInstance).hasSize(1);
            stockReply(order, new StockReleased(order, lines()));
            paymentReply(order, new PaymentRefunded(order, 3179));
            assertThat(((Order.Cancelled) orders.load(order).state()).reason())
                    .isEqualTo(CancellationReason.CUSTOMER_CANCELLED);
            assertSettled(order);
        }

        @Test
        void aLateAuthorization_afterTheCustomerCancelled_isVoided() {
            String order = placed();
            stockReply(order, new StockReserved(order, lines()));
            orders.cancel(order, eventshop.orders.order.domain.Order.Canceller.CUSTOMER, CommandContext.start(UUID.randomUUID(), customer));

            paymentReply(order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242"));
            paymentReply(order, new PaymentVoided(order, 3179));
            stockReply(order, new StockReleased(order, lines()));

            assertThat(types(order)).containsSubsequence("OrderCancelled", "StockReleaseRequested",
                    "PaymentVoidRequested", "CompensationCompleted", "CompensationCompleted");
            assertSettled(order);
        }
    }

    @Nested
    class Deadlines_ {

        @Test
        void aSilentInventory_isAskedThreeTimes_thenTheOrderTimesOut_andTheReleaseIsRetriedUntilAnswered() {
            String order = placed();

            timePasses(Duration.ofSeconds(10));
            timePasses(Duration.ofSeconds(10));
            assertThat(events(store, order)).filteredOn(StockReservationRequested.class::isInstance)
                    .extracting(event -> ((StockReservationRequested) event).attempt()).containsExactly(1, 2, 3);
            assertThat(status(order)).isEqualTo(OrderStatus.PLACED);

            timePasses(Duration.ofSeconds(10));
            assertThat(status(order)).isEqualTo(OrderStatus.CANCELLED);
            assertThat(((Order.Cancelled) orders.load(order).state()).reason()).isEqualTo(CancellationReason.TIMED_OUT);

            // the release itself gets no answer: asked again, after 10 s, then 20 s
            timePasses(Duration.ofSeconds(10));
            timePasses(Duration.ofSeconds(20));
            assertThat(events(store, order)).filteredOn(StockReleaseRequested.class::isInstance)
                    .extracting(event -> ((StockReleaseRequested) event).attempt()).containsExactly(1, 2, 3);
            assertThat(deadlines(order)).singleElement().satisfies(due -> {
                assertThat(due.step()).isEqualTo(SagaStep.RELEASE_STOCK);
                assertThat(due.attempt()).isEqualTo(3);
            });

            // the retries stay in the checkout's conversation
        assertThat(recorded(store, order)).allSatisfy(event ->
                assertThat(event.metadata().correlationId()).isEqualTo("checkout-1"));

        // inventory comes back: the release closes the never-decided reservation
            stockReply(order, new StockReleased(order, List.of()));
            assertSettled(order);
            assertThat(meters.counter("orders.timeouts", "step", "RESERVE_STOCK").count()).isGreaterThanOrEqualTo(1);
            assertThat(meters.counter("orders.compensations", "step", "RELEASE_STOCK", "attempt", "retry").count())
                    .isGreaterThanOrEqualTo(2);
        }

        @Test
        void aReplyBeforeTheDeadline_leavesNothingToRetry() {
            String order = placed();
            stockReply(order, new StockReserved(order, lines()));
            long before = recorded(store, order).size();

            // the reservation's deadline passes, but it is no longer the current one
            orders.deadlinePassed(order, SagaStep.RESERVE_STOCK, 1, CommandContext.start(UUID.randomUUID(), ""));
            assertThat(recorded(store, order)).hasSize((int) before);
        }

        @Test
        void deadlinesSurviveARebuildOfTheirReadModel() throws Exception {
            String order = placed();
            projections.rebuild(Deadlines.NAME);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> projections.status(Deadlines.NAME).rebuild() == null);
            assertThat(deadlines(order)).extracting(Deadlines.Due::step).containsExactly(SagaStep.RESERVE_STOCK);

            timePasses(Duration.ofSeconds(10));
            assertThat(events(store, order)).filteredOn(StockReservationRequested.class::isInstance).hasSize(2);
        }
    }

    @Test
    void theRoutesTurnTheStepsIntoCommands() {
        String order = placed();
        List<OrderEvent> stored = events(store, order);
        assertThat(OrderMessages.of(stored.get(0))).isInstanceOf(OrderMessages.Publish.class);
        assertThat(OrderMessages.of(stored.get(1))).isInstanceOfSatisfying(OrderMessages.Send.class, command -> {
            assertThat(command.topic()).isEqualTo("inventory.commands");
            assertThat(command.command()).isInstanceOf(ReserveStock.class);
        });
        assertThat(OrderRoutes.route(recorded(store, order).get(1))).isInstanceOfSatisfying(RelayRoutes.Route.Send.class,
                send -> assertThat(send.type()).isEqualTo("ReserveStock"));
    }

    /**
     * Issue 12: the shipment is a step like the others, sent to inventory as {@code ShipStock} by orders' relay
     * (until then it was published on orders.events for a fulfilment function to send on).
     */
    @Test
    void theShipmentRequest_isSentToInventory_asShipStock() {
        // given
        String order = placed();
        stockReply(order, new StockReserved(order, lines()));
        paymentReply(order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242"));

        // when
        paymentReply(order, new PaymentCaptured(order, 3179));

        // then
        List<RecordedEvent> stored = recorded(store, order);
        RecordedEvent shipment = stored.get(stored.size() - 1);
        assertThat(shipment.type()).isEqualTo("ShipmentRequested");
        assertThat(OrderRoutes.route(shipment)).isInstanceOfSatisfying(RelayRoutes.Route.Send.class, send -> {
            assertThat(send.topic()).isEqualTo("inventory.commands");
            assertThat(send.type()).isEqualTo("ShipStock");
            assertThat(new String(send.data(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"orderId\":\"" + order + "\"}");
        });
        // the status events name the customer, for the notices
        assertThat(events(store, order)).filteredOn(OrderConfirmed.class::isInstance)
                .containsExactly(new OrderConfirmed(order, customer));
    }
}
