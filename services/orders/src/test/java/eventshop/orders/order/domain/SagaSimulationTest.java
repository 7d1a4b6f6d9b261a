package eventshop.orders.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Address;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
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
import eventshop.eventsourcing.decider.Decider;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every order ends terminal, whatever the other services do: the saga against simulated inventory and
 * payments (with the idempotency and answers their contracts promise), where commands may be lost (a
 * parked message: no answer at all), replies arrive late, twice, or after a retry, the customer cancels at
 * any moment and time jumps to the next deadline. When nothing is left in flight, every order is DELIVERED
 * or CANCELLED, owes no compensation, and neither stock nor money is left held.
 */
class SagaSimulationTest {

    static final Order.Policy POLICY = new Order.Policy(Duration.ofSeconds(10), 3, Duration.ofSeconds(60),
            Duration.ofSeconds(2));
    static final Decider<Order.Command, OrderEvent, Order.State> DECIDER = Order.decider(POLICY);

    enum Stock { UNDECIDED, RESERVED, REJECTED, RELEASED, SHIPPED }

    enum Payment { NONE, AUTHORIZED, DECLINED, CAPTURED, VOIDED, REFUNDED }

    /** One order's world: its state, the other services, the messages in flight (each way in order). */
    static final class World {
        final Random random;
        final String id;
        final boolean inStock;
        final boolean cardGood;
        final double lossRate;
        Order.State state = DECIDER.initialState();
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        Stock stock = Stock.UNDECIDED;
        Payment payment = Payment.NONE;
        final Deque<OrderEvent> toInventory = new ArrayDeque<>();
        final Deque<OrderEvent> toPayments = new ArrayDeque<>();
        final Deque<Object> replies = new ArrayDeque<>();
        final List<OrderStatus> statuses = new ArrayList<>();
        /** The customer's standing as orders knows it; some worlds suspend the account on the way. */
        CustomerStanding standing = CustomerStanding.MAY_SHOP;
        final boolean suspends;
        /** The statuses the order had when the suspension landed (null while it has not). */
        List<OrderStatus> statusesWhenSuspended;
        /** The accounts consumer's cancel of the order, due once the suspension landed. */
        boolean accountCancelDue;
        int steps;

        World(long seed) {
            random = new Random(seed);
            id = "o-" + seed;
            inStock = random.nextDouble() < 0.8;
            cardGood = random.nextDouble() < 0.8;
            lossRate = random.nextDouble() * 0.5;
            suspends = random.nextDouble() < 0.3;
        }

        void decide(Order.Command command) {
            List<OrderEvent> events;
            try {
                events = DECIDER.decide().apply(command, state);
            } catch (OrderNotCancellable | OrderNotFound refused) {
                return;
            }
            for (OrderEvent event : events) {
                state = DECIDER.evolve().apply(state, event);
                OrderStatus status = Order.statusAfter(event);
                if (status != null) {
                    statuses.add(status);
                }
                switch (event) {
                    case StockReservationRequested requested -> toInventory.add(requested);
                    // sent as ShipStock
                    case ShipmentRequested requested -> toInventory.add(requested);
                    case StockReleaseRequested requested -> toInventory.add(requested);
                    case PaymentAuthorizationRequested requested -> toPayments.add(requested);
                    case PaymentCaptureRequested requested -> toPayments.add(requested);
                    case PaymentVoidRequested requested -> toPayments.add(requested);
                    case PaymentRefundRequested requested -> toPayments.add(requested);
                    case OrderPlaced placed -> { }
                    case OrderStockReserved reserved -> { }
                    case OrderPaymentAuthorized authorized -> { }
                    case OrderConfirmed confirmed -> { }
                    case OrderShipped shipped -> { }
                    case OrderDelivered delivered -> { }
                    case OrderCancelled cancelled -> { }
                    case DeliveryScheduled scheduled -> { }
                    case CompensationCompleted completed -> { }
                }
            }
        }

        /** Inventory as its README says: one verdict, release closes, repeats answer nothing. */
        Optional<ReservationEvent> inventory(OrderEvent command) {
            List<StockLine> lines = List.of(new StockLine("SKU-1", 1));
            return switch (command) {
                case StockReservationRequested reserve -> {
                    if (stock != Stock.UNDECIDED) {
                        yield Optional.empty();
                    }
                    stock = inStock ? Stock.RESERVED : Stock.REJECTED;
                    yield Optional.of(inStock ? new StockReserved(id, lines)
                            : new StockReservationRejected(id, lines, lines));
                }
                case StockReleaseRequested release -> switch (stock) {
                    case UNDECIDED, RESERVED -> {
                        stock = Stock.RELEASED;
                        yield Optional.of(new StockReleased(id, lines));
                    }
                    case REJECTED, RELEASED, SHIPPED -> Optional.empty();
                };
                case ShipmentRequested ship -> switch (stock) {
                    case RESERVED -> {
                        stock = Stock.SHIPPED;
                        yield Optional.of(new StockShipped(id, lines));
                    }
                    // NothingToShip is parked: no answer
                    case UNDECIDED, REJECTED, RELEASED, SHIPPED -> Optional.empty();
                };
                default -> throw new AssertionError(command);
            };
        }

        /** Payments as its contract says: idempotent per order, a command that cannot apply is rejected. */
        Optional<PaymentEvent> payments(OrderEvent command) {
            return switch (command) {
                case PaymentAuthorizationRequested authorize -> {
                    if (payment != Payment.NONE) {
                        yield Optional.empty();
                    }
                    payment = cardGood ? Payment.AUTHORIZED : Payment.DECLINED;
                    yield Optional.of(cardGood ? new PaymentAuthorized(id, "c", 100, "VISA", "4242")
                            : new PaymentDeclined(id, "c", 100, DeclineReason.CARD_DECLINED));
                }
                case PaymentCaptureRequested capture -> switch (payment) {
                    case AUTHORIZED -> {
                        payment = Payment.CAPTURED;
                        yield Optional.of(new PaymentCaptured(id, 100));
                    }
                    case CAPTURED, REFUNDED -> Optional.empty();
                    case NONE, DECLINED, VOIDED -> Optional.of(new PaymentCommandRejected(id, "CapturePayment", "x"));
                };
                case PaymentVoidRequested voiding -> switch (payment) {
                    case AUTHORIZED -> {
                        payment = Payment.VOIDED;
                        yield Optional.of(new PaymentVoided(id, 100));
                    }
                    case VOIDED -> Optional.empty();
                    case NONE, DECLINED, CAPTURED, REFUNDED ->
                            Optional.of(new PaymentCommandRejected(id, "VoidPayment", "x"));
                };
                case PaymentRefundRequested refund -> switch (payment) {
                    case CAPTURED -> {
                        payment = Payment.REFUNDED;
                        yield Optional.of(new PaymentRefunded(id, 100));
                    }
                    case REFUNDED -> Optional.empty();
                    case NONE, AUTHORIZED, DECLINED, VOIDED ->
                            Optional.of(new PaymentCommandRejected(id, "RefundPayment", "x"));
                };
                default -> throw new AssertionError(command);
            };
        }

        Optional<Order.Pending> nextDeadline() {
            Stream<Order.Pending> pending = switch (state) {
                case Order.InProgress inProgress -> Stream.ofNullable(inProgress.step());
                case Order.Cancelled cancelled -> cancelled.compensations().values().stream();
                case Order.NotPlaced notPlaced -> Stream.empty();
                case Order.Delivered delivered -> Stream.empty();
            };
            return pending.min(Comparator.comparing(Order.Pending::deadline));
        }

        /** One random thing happens; false when nothing is left to happen. */
        boolean step() {
            steps++;
            List<Runnable> possible = new ArrayList<>();
            if (!toInventory.isEmpty()) {
                possible.add(() -> {
                    OrderEvent command = toInventory.poll();
                    if (random.nextDouble() >= lossRate) {
                        inventory(command).ifPresent(replies::add);
                    }
                });
            }
            if (!toPayments.isEmpty()) {
                possible.add(() -> {
                    OrderEvent command = toPayments.poll();
                    if (random.nextDouble() >= lossRate) {
                        payments(command).ifPresent(replies::add);
                    }
                });
            }
            if (!replies.isEmpty()) {
                possible.add(() -> {
                    Object reply = random.nextDouble() < 0.1 ? replies.peek() : replies.poll(); // sometimes twice
                    now = now.plusMillis(random.nextInt(50));
                    switch (reply) {
                        case ReservationEvent stockReply ->
                                decide(new Order.RecordStockReply(id, stockReply, standing, now));
                        case PaymentEvent paymentReply ->
                                decide(new Order.RecordPaymentReply(id, paymentReply, standing, now));
                        default -> throw new AssertionError(reply);
                    }
                });
            }
            Optional<Order.Pending> deadline = nextDeadline();
            if (deadline.isPresent() && (possible.isEmpty() || random.nextDouble() < 0.2)) {
                possible.add(() -> {
                    Order.Pending pending = deadline.get();
                    now = now.isBefore(pending.deadline()) ? pending.deadline() : now;
                    decide(new Order.DeadlinePassed(id, pending.step(), pending.attempt(), now));
                });
            }
            if (possible.isEmpty()) {
                return false;
            }
            if (random.nextDouble() < 0.03) {
                decide(new Order.CancelOrder(id, random.nextBoolean() ? Order.Canceller.CUSTOMER
                        : Order.Canceller.ADMIN, now));
            }
            if (suspends && standing.mayShop() && random.nextDouble() < 0.05) {
                // the account's suspension lands: the standing changes, then the consumer cancels the order
                // (maybe much later: the order's replies may see the standing first)
                standing = CustomerStanding.SUSPENDED;
                statusesWhenSuspended = List.copyOf(statuses);
                accountCancelDue = true;
            }
            if (accountCancelDue) {
                possible.add(() -> {
                    accountCancelDue = false;
                    decide(new Order.CancelForAccount(id, CustomerStanding.SUSPENDED, now));
                });
            }
            possible.get(random.nextInt(possible.size())).run();
            return true;
        }
    }

    @Test
    void everyOrderEndsTerminal_withNothingHeld_whateverTheOtherServicesDo() {
        int delivered = 0;
        int cancelled = 0;
        int deliveredAfterSuspension = 0;
        int cancelledForTheAccount = 0;
        for (long seed = 1; seed <= 1000; seed++) {
            World world = new World(seed);
            world.decide(new Order.PlaceOrder(world.id, "c", "c@x.io",
                    List.of(new OrderLine("SKU-1", "One", 1, 94, 94)), 94, 6, 100,
                    new Address("A", "1 St", "", "City", "1", "GB"), "tok_visa4242abcdef", CustomerStanding.MAY_SHOP,
                    world.now));
            while (world.step()) {
                assertThat(world.steps).as("seed %d still running", seed).isLessThan(100_000);
            }
            String seen = "seed " + seed + ": " + world.statuses + " stock " + world.stock + " payment " + world.payment
                    + " state " + world.state;
            switch (world.state) {
                case Order.Delivered done -> {
                    delivered++;
                    assertThat(world.stock).as(seen).isEqualTo(Stock.SHIPPED);
                    assertThat(world.payment).as(seen).isEqualTo(Payment.CAPTURED);
                    assertThat(world.statuses).as(seen).containsExactly(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED,
                            OrderStatus.PAYMENT_AUTHORIZED, OrderStatus.CONFIRMED, OrderStatus.SHIPPED,
                            OrderStatus.DELIVERED);
                    if (world.statusesWhenSuspended != null) {
                        // delivered although the account was suspended: only if confirmed before that
                        deliveredAfterSuspension++;
                        assertThat(world.statusesWhenSuspended).as(seen).contains(OrderStatus.CONFIRMED);
                    }
                }
                case Order.Cancelled gone -> {
                    cancelled++;
                    assertThat(gone.compensations()).as(seen).isEmpty();
                    assertThat(world.stock).as(seen).isNotEqualTo(Stock.RESERVED);
                    assertThat(world.payment).as(seen).isNotIn(Payment.AUTHORIZED, Payment.CAPTURED);
                    assertThat(world.statuses).as(seen).last().isEqualTo(OrderStatus.CANCELLED);
                    if (gone.reason() == CancellationReason.ACCOUNT_SUSPENDED) {
                        cancelledForTheAccount++;
                        assertThat(world.statusesWhenSuspended).as(seen).doesNotContain(OrderStatus.CONFIRMED);
                    }
                }
                default -> throw new AssertionError("not terminal: " + seen);
            }
        }
        assertThat(delivered).isGreaterThan(100);
        assertThat(cancelled).isGreaterThan(100);
        assertThat(cancelledForTheAccount).isGreaterThan(20);
        assertThat(deliveredAfterSuspension).isGreaterThan(5);
    }
}
