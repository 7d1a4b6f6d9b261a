package eventshop.orders.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Address;
import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReservationRejected;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.orders.OrderStatus;
import eventshop.contracts.payments.PaymentEvent;
import eventshop.contracts.payments.PaymentEvent.DeclineReason;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentCommandRejected;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.testing.DeciderFixture;
import eventshop.orders.order.domain.Order.CancelForAccount;
import eventshop.orders.order.domain.Order.CancelOrder;
import eventshop.orders.order.domain.Order.DeadlinePassed;
import eventshop.orders.order.domain.Order.PlaceOrder;
import eventshop.orders.order.domain.Order.RecordPaymentReply;
import eventshop.orders.order.domain.Order.RecordStockReply;
import eventshop.orders.order.domain.OrderErrors.OrderNotCancellable;
import eventshop.orders.order.domain.OrderErrors.OrderNotFound;
import eventshop.orders.order.domain.OrderEvent.CompensationCompleted;
import eventshop.orders.order.domain.OrderEvent.DeliveryScheduled;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.OrderConfirmed;
import eventshop.orders.order.domain.OrderEvent.OrderDelivered;
import eventshop.orders.order.domain.OrderEvent.OrderPaymentAuthorized;
import eventshop.orders.order.domain.OrderEvent.OrderPlaced;
import eventshop.orders.order.domain.OrderEvent.OrderShipped;
import eventshop.orders.order.domain.OrderEvent.OrderStockReserved;
import eventshop.orders.order.domain.OrderEvent.PaymentAuthorizationRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentCaptureRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentRefundRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentVoidRequested;
import eventshop.orders.order.domain.OrderEvent.ShipmentRequested;
import eventshop.orders.order.domain.OrderEvent.StockReleaseRequested;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The order as the checkout saga: given events, when a command, then events. No Spring, no store. */
class OrderTest {

    static final Order.Policy POLICY = new Order.Policy(Duration.ofSeconds(10), 3, Duration.ofSeconds(60),
            Duration.ofSeconds(2));
    static final DeciderFixture<Order.Command, OrderEvent, Order.State> ORDER = DeciderFixture.of(Order.decider(POLICY));

    static final String ID = "o-1";
    static final String CUSTOMER = "acc-1";
    static final String CARD = "tok_visa4242abcdef";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final List<OrderLine> LINES = List.of(new OrderLine("SKU-1", "Keyboard", 2, 1250, 2500),
            new OrderLine("SKU-2", "Mouse", 1, 499, 499));
    static final List<StockLine> STOCK = List.of(new StockLine("SKU-1", 2), new StockLine("SKU-2", 1));
    static final Address ADDRESS = new Address("Ada", "1 Analytical St", "", "London", "N1 9GU", "GB");
    static final long TOTAL = 3179;

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    static Instant deadline(Instant from) {
        return from.plus(POLICY.stepTimeout());
    }

    // ---- the history of each step

    static final OrderPlaced PLACED = new OrderPlaced(ID, CUSTOMER, "a@x.io", LINES, 2999, 180, TOTAL, ADDRESS, CARD);
    static final StockReservationRequested RESERVE = new StockReservationRequested(ID, STOCK, 1, deadline(T0));
    static final OrderStockReserved STOCK_RESERVED = new OrderStockReserved(ID);
    static final PaymentAuthorizationRequested AUTHORIZE =
            new PaymentAuthorizationRequested(ID, CUSTOMER, CARD, TOTAL, 1, deadline(at(1)));
    static final OrderPaymentAuthorized AUTHORIZED = new OrderPaymentAuthorized(ID, TOTAL);
    static final OrderConfirmed CONFIRMED = new OrderConfirmed(ID, CUSTOMER);
    static final PaymentCaptureRequested CAPTURE = new PaymentCaptureRequested(ID, 1, deadline(at(2)));
    static final ShipmentRequested SHIP = new ShipmentRequested(ID, 1, deadline(at(3)));
    static final OrderShipped SHIPPED = new OrderShipped(ID, CUSTOMER);
    static final DeliveryScheduled DELIVERY = new DeliveryScheduled(ID, at(4).plusSeconds(2));

    static OrderEvent[] placed() {
        return new OrderEvent[] {PLACED, RESERVE};
    }

    static OrderEvent[] reserved() {
        return concat(placed(), STOCK_RESERVED, AUTHORIZE);
    }

    static OrderEvent[] confirmed() {
        return concat(reserved(), AUTHORIZED, CONFIRMED, CAPTURE);
    }

    static OrderEvent[] captured() {
        return concat(confirmed(), SHIP);
    }

    static OrderEvent[] shipped() {
        return concat(captured(), SHIPPED, DELIVERY);
    }

    static OrderEvent[] concat(OrderEvent[] history, OrderEvent... more) {
        List<OrderEvent> all = new ArrayList<>(Arrays.asList(history));
        all.addAll(Arrays.asList(more));
        return all.toArray(OrderEvent[]::new);
    }

    static RecordStockReply stock(eventshop.contracts.inventory.InventoryEvent.ReservationEvent reply, Instant now) {
        return new RecordStockReply(ID, reply, CustomerStanding.MAY_SHOP, now);
    }

    static RecordPaymentReply payment(PaymentEvent reply, Instant now) {
        return new RecordPaymentReply(ID, reply, CustomerStanding.MAY_SHOP, now);
    }

    static final StockReserved STOCK_OK = new StockReserved(ID, STOCK);
    static final StockReservationRejected STOCK_SHORT = new StockReservationRejected(ID, STOCK,
            List.of(new StockLine("SKU-1", 1)));
    static final StockReleased STOCK_RELEASED = new StockReleased(ID, STOCK);
    static final StockShipped STOCK_SHIPPED = new StockShipped(ID, STOCK);
    static final PaymentAuthorized PAY_OK = new PaymentAuthorized(ID, CUSTOMER, TOTAL, "VISA", "4242");
    static final PaymentDeclined PAY_DECLINED = new PaymentDeclined(ID, CUSTOMER, TOTAL, DeclineReason.CARD_DECLINED);
    static final PaymentCaptured PAY_CAPTURED = new PaymentCaptured(ID, TOTAL);
    static final PaymentVoided PAY_VOIDED = new PaymentVoided(ID, TOTAL);
    static final PaymentRefunded PAY_REFUNDED = new PaymentRefunded(ID, TOTAL);

    static Order.State state(OrderEvent... history) {
        return ORDER.given(history).state();
    }

    @Nested
    class HappyPath {

        @Test
        void aCheckout_placesTheOrder_andRequestsTheStock() {
            ORDER.when(new PlaceOrder(ID, CUSTOMER, "a@x.io", LINES, 2999, 180, TOTAL, ADDRESS, CARD,
                    CustomerStanding.MAY_SHOP, T0))
                    .then(PLACED, RESERVE);
        }

        @Test
        void stockReserved_requestsTheAuthorizationOfTheTotal() {
            ORDER.given(placed()).when(stock(STOCK_OK, at(1))).then(STOCK_RESERVED, AUTHORIZE);
        }

        @Test
        void paymentAuthorized_confirms_andRequestsTheCapture() {
            ORDER.given(reserved()).when(payment(PAY_OK, at(2))).then(AUTHORIZED, CONFIRMED, CAPTURE);
        }

        @Test
        void paymentCaptured_requestsTheShipment() {
            ORDER.given(confirmed()).when(payment(PAY_CAPTURED, at(3))).then(SHIP);
        }

        @Test
        void stockShipped_ships_andSchedulesTheDeliveryAfterTheCarrierDelay() {
            ORDER.given(captured()).when(stock(STOCK_SHIPPED, at(4))).then(SHIPPED, DELIVERY);
        }

        @Test
        void theDeliveryDeadline_delivers() {
            Order.State state = ORDER.given(shipped())
                    .when(new DeadlinePassed(ID, SagaStep.DELIVER, 1, at(6))).then(new OrderDelivered(ID, CUSTOMER));
            assertThat(state).isInstanceOf(Order.Delivered.class);
            assertThat(Order.status(state)).isEqualTo(OrderStatus.DELIVERED);
        }

        @Test
        void theDeliveryDeadline_beforeItIsDue_changesNothing() {
            ORDER.given(shipped()).when(new DeadlinePassed(ID, SagaStep.DELIVER, 1, at(5))).thenNothing();
        }

        @Test
        void theStatusesGoInOrder() {
            List<OrderStatus> statuses = Arrays.stream(concat(shipped(), new OrderDelivered(ID, CUSTOMER)))
                    .map(Order::statusAfter).filter(status -> status != null).toList();
            assertThat(statuses).containsExactly(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED,
                    OrderStatus.PAYMENT_AUTHORIZED, OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED);
        }
    }

    @Nested
    class Duplicates {

        @Test
        void aSecondCheckout_placesNothing() {
            ORDER.given(placed())
                    .when(new PlaceOrder(ID, CUSTOMER, "a@x.io", LINES, 2999, 180, TOTAL, ADDRESS, CARD,
                            CustomerStanding.MAY_SHOP, at(1)))
                    .thenNothing();
        }

        @Test
        void eachReplyTwice_decidesOnce() {
            ORDER.given(reserved()).when(stock(STOCK_OK, at(2))).thenNothing();
            ORDER.given(confirmed()).when(payment(PAY_OK, at(3))).thenNothing();
            ORDER.given(captured()).when(payment(PAY_CAPTURED, at(4))).thenNothing();
            ORDER.given(shipped()).when(stock(STOCK_SHIPPED, at(5))).thenNothing();
        }

        @Test
        void repliesOutOfStep_decideNothing() {
            ORDER.given(placed()).when(payment(PAY_OK, at(1))).thenNothing();
            ORDER.given(placed()).when(payment(PAY_CAPTURED, at(1))).thenNothing();
            ORDER.given(placed()).when(stock(STOCK_SHIPPED, at(1))).thenNothing();
            ORDER.given(placed()).when(stock(STOCK_RELEASED, at(1))).thenNothing();
            ORDER.given(reserved()).when(stock(STOCK_SHORT, at(2))).thenNothing();
            ORDER.given(reserved()).when(payment(PAY_VOIDED, at(2))).thenNothing();
            ORDER.given(confirmed()).when(payment(PAY_DECLINED, at(3))).thenNothing();
            ORDER.given(shipped()).when(payment(PAY_REFUNDED, at(5))).thenNothing();
        }

        @Test
        void repliesToADeliveredOrder_decideNothing() {
            OrderEvent[] delivered = concat(shipped(), new OrderDelivered(ID, CUSTOMER));
            ORDER.given(delivered).when(stock(STOCK_SHIPPED, at(9))).thenNothing();
            ORDER.given(delivered).when(payment(PAY_CAPTURED, at(9))).thenNothing();
            ORDER.given(delivered).when(new DeadlinePassed(ID, SagaStep.DELIVER, 1, at(9))).thenNothing();
        }

        @Test
        void repliesForAnUnknownOrder_decideNothing() {
            ORDER.when(stock(STOCK_OK, T0)).thenNothing();
            ORDER.when(payment(PAY_OK, T0)).thenNothing();
            ORDER.when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 1, T0)).thenNothing();
        }

        @Test
        void anOldDeadline_afterTheReply_decidesNothing() {
            ORDER.given(reserved()).when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 1, at(30))).thenNothing();
            ORDER.given(reserved()).when(new DeadlinePassed(ID, SagaStep.AUTHORIZE_PAYMENT, 2, at(30))).thenNothing();
        }
    }

    @Nested
    class Compensation {

        @Test
        void stockRejected_cancelsOutOfStock_withNothingToUndo() {
            Order.State state = ORDER.given(placed()).when(stock(STOCK_SHORT, at(1)))
                    .then(new OrderCancelled(ID, CUSTOMER, CancellationReason.OUT_OF_STOCK, "short: SKU-1 by 1", OrderStatus.PLACED));
            assertThat(state).isInstanceOfSatisfying(Order.Cancelled.class,
                    cancelled -> assertThat(cancelled.compensations()).isEmpty());
        }

        @Test
        void paymentDeclined_cancels_andReleasesTheStock() {
            ORDER.given(reserved()).when(payment(PAY_DECLINED, at(2))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.PAYMENT_DECLINED, "payment declined: CARD_DECLINED", OrderStatus.STOCK_RESERVED),
                    new StockReleaseRequested(ID, 1, deadline(at(2))));
        }

        @Test
        void anAuthorizationRefused_isADecline() {
            ORDER.given(reserved()).when(payment(new PaymentCommandRejected(ID, "AuthorizePayment", "bad card"), at(2)))
                    .then(new OrderCancelled(ID, CUSTOMER, CancellationReason.PAYMENT_DECLINED,
                            "authorization refused: bad card", OrderStatus.STOCK_RESERVED), new StockReleaseRequested(ID, 1, deadline(at(2))));
        }

        @Test
        void aCaptureRefused_cancels_releases_andVoids() {
            ORDER.given(confirmed()).when(payment(new PaymentCommandRejected(ID, "CapturePayment", "expired"), at(3)))
                    .then(new OrderCancelled(ID, CUSTOMER, CancellationReason.PAYMENT_DECLINED, "capture refused: expired", OrderStatus.CONFIRMED),
                            new StockReleaseRequested(ID, 1, deadline(at(3))),
                            new PaymentVoidRequested(ID, 1, deadline(at(3))));
        }

        @Test
        void theReleaseIsSettledByItsReply_andNothingIsOwedAfter() {
            OrderEvent[] declined = concat(reserved(),
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.PAYMENT_DECLINED, "payment declined: CARD_DECLINED", OrderStatus.STOCK_RESERVED),
                    new StockReleaseRequested(ID, 1, deadline(at(2))));
            Order.State state = ORDER.given(declined).when(stock(STOCK_RELEASED, at(3)))
                    .then(new CompensationCompleted(ID, SagaStep.RELEASE_STOCK, "StockReleased"));
            assertThat(state).isInstanceOfSatisfying(Order.Cancelled.class, cancelled -> {
                assertThat(cancelled.compensations()).isEmpty();
                assertThat(cancelled.settled()).containsExactly(SagaStep.RELEASE_STOCK);
            });
            ORDER.given(concat(declined, new CompensationCompleted(ID, SagaStep.RELEASE_STOCK, "StockReleased")))
                    .when(stock(STOCK_RELEASED, at(4))).thenNothing();
        }
    }

    @Nested
    class CustomerCancel {

        @Test
        void whileTheReservationIsOut_cancels_andReleases() {
            ORDER.given(placed()).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(1))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(1))));
        }

        @Test
        void whileTheAuthorizationIsOut_releases_andVoids() {
            ORDER.given(reserved()).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(2))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.STOCK_RESERVED),
                    new StockReleaseRequested(ID, 1, deadline(at(2))), new PaymentVoidRequested(ID, 1, deadline(at(2))));
        }

        @Test
        void whenConfirmed_releases_andVoids() {
            ORDER.given(confirmed()).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(3))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.CONFIRMED),
                    new StockReleaseRequested(ID, 1, deadline(at(3))), new PaymentVoidRequested(ID, 1, deadline(at(3))));
        }

        /** {@link Order#cancellable}, behind the order's {@code cancel} link, says what the decision does. */
        @Test
        void cancellable_whileStockOrPaymentIsOut_notOnceTheShipmentIsRequested_norWhenCancelledOrDelivered() {
            assertThat(cancellable()).isFalse();
            assertThat(cancellable(placed())).isTrue();
            assertThat(cancellable(reserved())).isTrue();
            assertThat(cancellable(confirmed())).isTrue();
            assertThat(cancellable(captured())).isFalse();
            assertThat(cancellable(shipped())).isFalse();
            assertThat(cancellable(concat(shipped(), new OrderDelivered(ID, CUSTOMER)))).isFalse();
            assertThat(cancellable(concat(placed(), new OrderCancelled(ID, CUSTOMER,
                    CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.PLACED)))).isFalse();
        }

        static boolean cancellable(OrderEvent... history) {
            Order.State state = new Order.NotPlaced();
            for (OrderEvent event : history) {
                state = Order.evolve(state, event);
            }
            return Order.cancellable(state);
        }

        @Test
        void onceTheShipmentIsRequested_isRefused() {
            ORDER.given(captured()).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(4))).thenError(OrderNotCancellable.class);
            ORDER.given(shipped()).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(5))).thenError(OrderNotCancellable.class);
            ORDER.given(concat(shipped(), new OrderDelivered(ID, CUSTOMER))).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(9)))
                    .thenError(OrderNotCancellable.class);
        }

        @Test
        void twice_cancelsOnce() {
            ORDER.given(concat(placed(), new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "x", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(1))))).when(new CancelOrder(ID, Order.Canceller.CUSTOMER, at(2))).thenNothing();
        }

        @Test
        void anUnknownOrder_isNotFound() {
            ORDER.when(new CancelOrder(ID, Order.Canceller.CUSTOMER, T0)).thenError(OrderNotFound.class);
        }
    }

    @Nested
    class AdminCancel {

        @Test
        void anAdministratorsCancel_isRecordedAsSuch_withTheSameCompensations() {
            ORDER.given(reserved()).when(new CancelOrder(ID, Order.Canceller.ADMIN, at(2))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ADMIN_CANCELLED, "cancelled by an administrator", OrderStatus.STOCK_RESERVED),
                    new StockReleaseRequested(ID, 1, deadline(at(2))), new PaymentVoidRequested(ID, 1, deadline(at(2))));
            ORDER.given(placed()).when(new CancelOrder(ID, Order.Canceller.ADMIN, at(1))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ADMIN_CANCELLED, "cancelled by an administrator", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(1))));
        }

        @Test
        void onceTheShipmentIsRequested_isRefusedToAnAdministratorToo() {
            ORDER.given(captured()).when(new CancelOrder(ID, Order.Canceller.ADMIN, at(4)))
                    .thenError(OrderNotCancellable.class);
        }
    }

    @Nested
    class CustomersWhoMayNotShop {

        static final String SUSPENDED_DETAIL = "the customer's account is suspended";

        @Test
        void aCheckoutOfASuspendedCustomer_isPlacedAndCancelledAtOnce_askingForNothing() {
            Order.State state = ORDER.when(new PlaceOrder(ID, CUSTOMER, "a@x.io", LINES, 2999, 180, TOTAL, ADDRESS,
                    CARD, CustomerStanding.SUSPENDED, T0)).then(PLACED,
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ACCOUNT_SUSPENDED, SUSPENDED_DETAIL, OrderStatus.PLACED));
            assertThat(Order.status(state)).isEqualTo(OrderStatus.CANCELLED);
            assertThat(((Order.Cancelled) state).compensations()).isEmpty();
        }

        @Test
        void aCheckoutOfAnArchivedCustomer_isCancelledAsArchived() {
            ORDER.when(new PlaceOrder(ID, CUSTOMER, "a@x.io", LINES, 2999, 180, TOTAL, ADDRESS, CARD,
                    CustomerStanding.ARCHIVED, T0)).then(PLACED, new OrderCancelled(ID, CUSTOMER,
                    CancellationReason.ACCOUNT_ARCHIVED, "the customer's account is archived", OrderStatus.PLACED));
        }

        @Test
        void theAccountsSuspension_whileTheReservationIsOut_cancels_andReleases() {
            ORDER.given(placed()).when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(1))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ACCOUNT_SUSPENDED, SUSPENDED_DETAIL, OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(1))));
        }

        @Test
        void theAccountsSuspension_whileTheAuthorizationIsOut_cancels_releases_andVoids() {
            ORDER.given(reserved()).when(new CancelForAccount(ID, CustomerStanding.ARCHIVED, at(2))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ACCOUNT_ARCHIVED,
                            "the customer's account is archived", OrderStatus.STOCK_RESERVED),
                    new StockReleaseRequested(ID, 1, deadline(at(2))), new PaymentVoidRequested(ID, 1, deadline(at(2))));
        }

        @Test
        void aConfirmedOrder_isKept_andAnEndedOneIsLeftAsItIs() {
            ORDER.given(confirmed()).when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(3))).thenNothing();
            ORDER.given(captured()).when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(4))).thenNothing();
            ORDER.given(shipped()).when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(5))).thenNothing();
            ORDER.given(concat(shipped(), new OrderDelivered(ID, CUSTOMER)))
                    .when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(9))).thenNothing();
            ORDER.given(concat(placed(), new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "x", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(1)))))
                    .when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(2))).thenNothing();
            ORDER.when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(2))).thenNothing();
        }

        @Test
        void theSuspensionDeliveredTwice_cancelsOnce() {
            ORDER.given(concat(placed(), new OrderCancelled(ID, CUSTOMER, CancellationReason.ACCOUNT_SUSPENDED,
                            SUSPENDED_DETAIL, OrderStatus.PLACED), new StockReleaseRequested(ID, 1, deadline(at(1)))))
                    .when(new CancelForAccount(ID, CustomerStanding.SUSPENDED, at(2))).thenNothing();
        }

        @Test
        void stockReservedForACustomerWhoMayNoLongerShop_isReleased_andNoPaymentIsAsked() {
            ORDER.given(placed()).when(new RecordStockReply(ID, STOCK_OK, CustomerStanding.SUSPENDED, at(1))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ACCOUNT_SUSPENDED, SUSPENDED_DETAIL, OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(1))));
        }

        @Test
        void anAuthorizationForACustomerWhoMayNoLongerShop_confirmsNothing_releasesAndVoids() {
            ORDER.given(reserved()).when(new RecordPaymentReply(ID, PAY_OK, CustomerStanding.SUSPENDED, at(2))).then(
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.ACCOUNT_SUSPENDED, SUSPENDED_DETAIL, OrderStatus.STOCK_RESERVED),
                    new StockReleaseRequested(ID, 1, deadline(at(2))), new PaymentVoidRequested(ID, 1, deadline(at(2))));
        }

        @Test
        void repliesThatConfirmNothing_doNotLookAtTheStanding() {
            // a capture of an order confirmed before the suspension goes on to the shipment
            ORDER.given(confirmed()).when(new RecordPaymentReply(ID, PAY_CAPTURED, CustomerStanding.SUSPENDED, at(3)))
                    .then(SHIP);
            // a rejected reservation is out of stock whoever the customer is
            ORDER.given(placed()).when(new RecordStockReply(ID, STOCK_SHORT, CustomerStanding.SUSPENDED, at(1)))
                    .then(new OrderCancelled(ID, CUSTOMER, CancellationReason.OUT_OF_STOCK, "short: SKU-1 by 1", OrderStatus.PLACED));
        }

        @Test
        void cancellingForAnAccountThatMayShop_isAProgrammingError() {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new CancelForAccount(ID, CustomerStanding.MAY_SHOP, T0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class LateReplies {

        final OrderEvent[] cancelledWhilePlaced = concat(placed(),
                new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.PLACED),
                new StockReleaseRequested(ID, 1, deadline(at(1))));
        final OrderEvent[] cancelledWhileAuthorizing = concat(reserved(),
                new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.STOCK_RESERVED),
                new StockReleaseRequested(ID, 1, deadline(at(2))), new PaymentVoidRequested(ID, 1, deadline(at(2))));
        final OrderEvent[] cancelledWhileCapturing = concat(confirmed(),
                new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer", OrderStatus.CONFIRMED),
                new StockReleaseRequested(ID, 1, deadline(at(3))), new PaymentVoidRequested(ID, 1, deadline(at(3))));

        @Test
        void aLateStockReserved_isCoveredByTheReleaseAlreadyOwed() {
            ORDER.given(cancelledWhilePlaced).when(stock(STOCK_OK, at(2))).thenNothing();
        }

        @Test
        void aLateStockReserved_afterAnOutOfStockCancel_asksNothing() {
            ORDER.given(concat(placed(), new OrderCancelled(ID, CUSTOMER, CancellationReason.OUT_OF_STOCK, "short", OrderStatus.PLACED)))
                    .when(stock(STOCK_OK, at(2))).thenNothing();
        }

        @Test
        void aLateStockReserved_withNoReleaseOwedOrDone_asksForTheRelease() {
            // an order cancelled by a declined capture whose release already settled can't get here; a cancelled
            // order whose release was never asked can: a CAPTURE timed out order where the release settled early
            Order.Cancelled cancelled = new Order.Cancelled(new Order.Placed(ID, CUSTOMER, STOCK, TOTAL, CARD),
                    CancellationReason.CUSTOMER_CANCELLED, Map.of(), Set.of());
            assertThat(Order.decide(stock(STOCK_OK, at(5)), cancelled, POLICY))
                    .containsExactly(new StockReleaseRequested(ID, 1, deadline(at(5))));
        }

        @Test
        void aLateRejection_settlesTheRelease() {
            ORDER.given(cancelledWhilePlaced).when(stock(STOCK_SHORT, at(2)))
                    .then(new CompensationCompleted(ID, SagaStep.RELEASE_STOCK, "StockReservationRejected"));
        }

        @Test
        void aLateAuthorization_isCoveredByTheVoidAlreadyOwed_thenVoided() {
            ORDER.given(cancelledWhileAuthorizing).when(payment(PAY_OK, at(3))).thenNothing();
            ORDER.given(cancelledWhileAuthorizing).when(payment(PAY_VOIDED, at(3)))
                    .then(new CompensationCompleted(ID, SagaStep.VOID_PAYMENT, "PaymentVoided"));
        }

        @Test
        void aLateDecline_settlesTheVoid() {
            ORDER.given(cancelledWhileAuthorizing).when(payment(PAY_DECLINED, at(3)))
                    .then(new CompensationCompleted(ID, SagaStep.VOID_PAYMENT, "PaymentDeclined"));
        }

        @Test
        void aLateAuthorization_afterAVoidRejected_asksNothing() {
            OrderEvent[] rejected = concat(cancelledWhileAuthorizing,
                    new CompensationCompleted(ID, SagaStep.VOID_PAYMENT, "PaymentCommandRejected"));
            ORDER.given(rejected).when(payment(PAY_OK, at(4))).thenNothing();
        }

        @Test
        void aLateAuthorization_withNoVoidOwedOrDone_asksForTheVoid() {
            OrderEvent[] timedOut = concat(placed(),
                    new OrderCancelled(ID, CUSTOMER, CancellationReason.TIMED_OUT, "no answer", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, deadline(at(30))));
            ORDER.given(timedOut).when(payment(PAY_OK, at(31)))
                    .then(new PaymentVoidRequested(ID, 1, deadline(at(31))));
        }

        @Test
        void aLateCapture_settlesTheVoid_andAsksForARefund() {
            Order.State state = ORDER.given(cancelledWhileCapturing).when(payment(PAY_CAPTURED, at(4))).then(
                    new CompensationCompleted(ID, SagaStep.VOID_PAYMENT, "PaymentCaptured"),
                    new PaymentRefundRequested(ID, 1, deadline(at(4))));
            assertThat(((Order.Cancelled) state).compensations()).containsOnlyKeys(SagaStep.RELEASE_STOCK,
                    SagaStep.REFUND_PAYMENT);
        }

        @Test
        void theVoidsRejection_afterTheCapture_isIgnored_andTheRefundSettles() {
            OrderEvent[] refunding = concat(cancelledWhileCapturing,
                    new CompensationCompleted(ID, SagaStep.VOID_PAYMENT, "PaymentCaptured"),
                    new PaymentRefundRequested(ID, 1, deadline(at(4))));
            ORDER.given(refunding).when(payment(new PaymentCommandRejected(ID, "VoidPayment", "captured"), at(5)))
                    .thenNothing();
            ORDER.given(refunding).when(payment(PAY_CAPTURED, at(5))).thenNothing();
            ORDER.given(refunding).when(payment(PAY_REFUNDED, at(5)))
                    .then(new CompensationCompleted(ID, SagaStep.REFUND_PAYMENT, "PaymentRefunded"));
            ORDER.given(refunding).when(payment(new PaymentCommandRejected(ID, "RefundPayment", "nothing"), at(5)))
                    .then(new CompensationCompleted(ID, SagaStep.REFUND_PAYMENT, "PaymentCommandRejected"));
        }

        @Test
        void aVoidRejected_settlesTheVoid() {
            ORDER.given(cancelledWhileAuthorizing)
                    .when(payment(new PaymentCommandRejected(ID, "VoidPayment", "nothing authorized"), at(3)))
                    .then(new CompensationCompleted(ID, SagaStep.VOID_PAYMENT, "PaymentCommandRejected"));
        }

        @Test
        void aLateShipment_settlesTheRelease() {
            OrderEvent[] timedOut = concat(captured(), new OrderCancelled(ID, CUSTOMER, CancellationReason.TIMED_OUT, "x", OrderStatus.CONFIRMED),
                    new StockReleaseRequested(ID, 1, deadline(at(40))), new PaymentRefundRequested(ID, 1, deadline(at(40))));
            ORDER.given(timedOut).when(stock(STOCK_SHIPPED, at(41)))
                    .then(new CompensationCompleted(ID, SagaStep.RELEASE_STOCK, "StockShipped"));
        }

        @Test
        void unrelatedRejections_afterCancellation_decideNothing() {
            ORDER.given(cancelledWhileCapturing)
                    .when(payment(new PaymentCommandRejected(ID, "CapturePayment", "voided"), at(4))).thenNothing();
        }
    }

    @Nested
    class Deadlines {

        @Test
        void aStepWithoutReply_isRequestedAgain_withTheNextAttempt() {
            ORDER.given(placed()).when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 1, at(10)))
                    .then(new StockReservationRequested(ID, STOCK, 2, deadline(at(10))));
            ORDER.given(reserved()).when(new DeadlinePassed(ID, SagaStep.AUTHORIZE_PAYMENT, 1, at(11)))
                    .then(new PaymentAuthorizationRequested(ID, CUSTOMER, CARD, TOTAL, 2, deadline(at(11))));
            ORDER.given(confirmed()).when(new DeadlinePassed(ID, SagaStep.CAPTURE_PAYMENT, 1, at(12)))
                    .then(new PaymentCaptureRequested(ID, 2, deadline(at(12))));
            ORDER.given(captured()).when(new DeadlinePassed(ID, SagaStep.SHIP_STOCK, 1, at(13)))
                    .then(new ShipmentRequested(ID, 2, deadline(at(13))));
        }

        @Test
        void aDeadlineNotYetDue_orOfAnotherAttempt_decidesNothing() {
            ORDER.given(placed()).when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 1, at(9))).thenNothing();
            ORDER.given(placed()).when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 2, at(10))).thenNothing();
            ORDER.given(concat(placed(), new StockReservationRequested(ID, STOCK, 2, deadline(at(10)))))
                    .when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 1, at(20))).thenNothing();
        }

        @Test
        void afterTheLastAttempt_theReservationTimesOut_andIsReleased() {
            ORDER.given(concat(placed(), new StockReservationRequested(ID, STOCK, 2, deadline(at(10))),
                            new StockReservationRequested(ID, STOCK, 3, deadline(at(20)))))
                    .when(new DeadlinePassed(ID, SagaStep.RESERVE_STOCK, 3, at(30))).then(
                            new OrderCancelled(ID, CUSTOMER, CancellationReason.TIMED_OUT,
                                    "no answer to RESERVE_STOCK after 3 attempts", OrderStatus.PLACED),
                            new StockReleaseRequested(ID, 1, deadline(at(30))));
        }

        @Test
        void afterTheLastAttempt_theAuthorizationTimesOut_releasedAndVoided() {
            ORDER.given(concat(reserved(), new PaymentAuthorizationRequested(ID, CUSTOMER, CARD, TOTAL, 3, at(30))))
                    .when(new DeadlinePassed(ID, SagaStep.AUTHORIZE_PAYMENT, 3, at(30))).then(
                            new OrderCancelled(ID, CUSTOMER, CancellationReason.TIMED_OUT,
                                    "no answer to AUTHORIZE_PAYMENT after 3 attempts", OrderStatus.STOCK_RESERVED),
                            new StockReleaseRequested(ID, 1, deadline(at(30))),
                            new PaymentVoidRequested(ID, 1, deadline(at(30))));
        }

        @Test
        void afterTheLastAttempt_theShipmentTimesOut_releasedAndRefunded() {
            ORDER.given(concat(captured(), new ShipmentRequested(ID, 3, at(40))))
                    .when(new DeadlinePassed(ID, SagaStep.SHIP_STOCK, 3, at(40))).then(
                            new OrderCancelled(ID, CUSTOMER, CancellationReason.TIMED_OUT,
                                    "no answer to SHIP_STOCK after 3 attempts", OrderStatus.CONFIRMED),
                            new StockReleaseRequested(ID, 1, deadline(at(40))),
                            new PaymentRefundRequested(ID, 1, deadline(at(40))));
        }

        @Test
        void aCompensationWithoutReply_isRetriedForever_withCappedBackoff() {
            OrderEvent[] owed = concat(placed(), new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "x", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, at(10)));
            ORDER.given(owed).when(new DeadlinePassed(ID, SagaStep.RELEASE_STOCK, 1, at(10)))
                    .then(new StockReleaseRequested(ID, 2, at(30)));   // 20 s
            ORDER.given(concat(owed, new StockReleaseRequested(ID, 2, at(30))))
                    .when(new DeadlinePassed(ID, SagaStep.RELEASE_STOCK, 2, at(30)))
                    .then(new StockReleaseRequested(ID, 3, at(70)));   // 40 s
            ORDER.given(concat(owed, new StockReleaseRequested(ID, 57, at(1000))))
                    .when(new DeadlinePassed(ID, SagaStep.RELEASE_STOCK, 57, at(1000)))
                    .then(new StockReleaseRequested(ID, 58, at(1060)));   // capped at 60 s
        }

        @Test
        void aCompensationsOldDeadline_orASettledOne_decidesNothing() {
            OrderEvent[] owed = concat(placed(), new OrderCancelled(ID, CUSTOMER, CancellationReason.CUSTOMER_CANCELLED, "x", OrderStatus.PLACED),
                    new StockReleaseRequested(ID, 1, at(10)));
            ORDER.given(owed).when(new DeadlinePassed(ID, SagaStep.RELEASE_STOCK, 1, at(9))).thenNothing();
            ORDER.given(concat(owed, new CompensationCompleted(ID, SagaStep.RELEASE_STOCK, "StockReleased")))
                    .when(new DeadlinePassed(ID, SagaStep.RELEASE_STOCK, 1, at(10))).thenNothing();
            ORDER.given(owed).when(new DeadlinePassed(ID, SagaStep.VOID_PAYMENT, 1, at(10))).thenNothing();
        }
    }

    @Test
    void stateShowsTheStatusOfTheLastStatusEvent() {
        assertThat(Order.status(state(placed()))).isEqualTo(OrderStatus.PLACED);
        assertThat(Order.status(state(reserved()))).isEqualTo(OrderStatus.STOCK_RESERVED);
        assertThat(Order.status(state(confirmed()))).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(Order.status(state(shipped()))).isEqualTo(OrderStatus.SHIPPED);
        assertThat(Order.status(state())).isNull();
    }
}
