package eventshop.orders.order.domain;

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
import eventshop.contracts.payments.PaymentCommand.AuthorizePayment;
import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.contracts.payments.PaymentCommand.RefundPayment;
import eventshop.contracts.payments.PaymentCommand.VoidPayment;
import eventshop.contracts.payments.PaymentEvent;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The order, stream {@code order-<orderId>}, which is also the checkout saga (DESIGN §5):
 * placed → reserve stock → authorize payment → confirm and capture → ship → deliver. Every step that
 * waits for another service is a {@code ...Requested} event carrying its attempt and deadline, which the
 * relay sends as a command; the replies come back as {@link RecordStockReply} / {@link RecordPaymentReply},
 * deadlines as {@link DeadlinePassed}. A reply that does not fit the current step (late, duplicate, from an
 * earlier attempt) decides nothing. A step without a reply by its deadline is requested again, up to
 * {@link Policy#maxAttempts()}, then the order is cancelled {@code TIMED_OUT} and compensated.
 *
 * <p>After a cancellation the order keeps the compensations still owed (release stock, void, refund), each
 * retried with capped backoff until a reply settles it; a late reply that reveals something to undo
 * (stock reserved, payment authorized or captured after all) adds the compensation it needs.
 *
 * <p>Only a customer who may shop ({@link CustomerStanding}) gets an order confirmed: a checkout of a
 * suspended or archived account is placed and cancelled at once; an order not yet confirmed when the
 * account is suspended or archived is cancelled with compensation ({@link CancelForAccount}); and the steps
 * before confirming (stock reserved, payment authorized) look at the customer's standing again, so the
 * order is cancelled whichever of the account's event and the order's replies comes first. A confirmed
 * order is kept: the customer could shop when it was confirmed, and it is paid for.
 * See the module README for the whole table.
 */
public final class Order {

    private Order() {
    }

    /** The stream of an order. */
    public static String streamId(String orderId) {
        return "order-" + orderId;
    }

    /**
     * How long the saga waits and how often it tries.
     *
     * @param stepTimeout            how long a step waits for its reply before it is requested again
     * @param maxAttempts            how many times a forward step is requested before the order times out
     * @param compensationMaxBackoff the longest wait between two requests of a compensation (the wait
     *                               doubles from {@code stepTimeout} up to this)
     * @param carrierDelay           from shipment to delivery
     */
    public record Policy(Duration stepTimeout, int maxAttempts, Duration compensationMaxBackoff,
                         Duration carrierDelay) {
        public Policy {
            Objects.requireNonNull(stepTimeout, "stepTimeout");
            Objects.requireNonNull(compensationMaxBackoff, "compensationMaxBackoff");
            Objects.requireNonNull(carrierDelay, "carrierDelay");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
        }

        public static final Policy DEFAULT = new Policy(Duration.ofSeconds(10), 3, Duration.ofMinutes(1),
                Duration.ofSeconds(2));

        /** When a compensation's {@code attempt} stops waiting: the step timeout doubled per attempt, capped. */
        Instant compensationDeadline(Instant now, int attempt) {
            Duration wait = stepTimeout;
            for (int i = 1; i < attempt && wait.compareTo(compensationMaxBackoff) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            return now.plus(wait.compareTo(compensationMaxBackoff) > 0 ? compensationMaxBackoff : wait);
        }
    }

    public static Decider<Command, OrderEvent, State> decider(Policy policy) {
        return new Decider<>(new NotPlaced(), Order::evolve, (command, state) -> decide(command, state, policy));
    }

    // ---------------------------------------------------------------- commands

    public sealed interface Command {
        String orderId();

        Instant now();
    }

    /** Place the order a cart was checked out as; {@code standing} is the customer's as orders knows it now. */
    public record PlaceOrder(String orderId, String customerId, String email, List<OrderLine> lines,
                             long subtotalCents, long taxCents, long totalCents, Address shippingAddress,
                             String cardToken, CustomerStanding standing, Instant now) implements Command {
        public PlaceOrder {
            lines = List.copyOf(lines);
            Objects.requireNonNull(standing, "standing");
        }
    }

    /**
     * Inventory answered on the order's reservation stream; {@code standing} is the customer's as orders
     * knows it now (it decides whether a reservation leads on to the payment).
     */
    public record RecordStockReply(String orderId, ReservationEvent reply, CustomerStanding standing, Instant now)
            implements Command {
        public RecordStockReply {
            Objects.requireNonNull(standing, "standing");
        }
    }

    /**
     * Payments answered on the order's payment stream; {@code standing} is the customer's as orders knows it
     * now (it decides whether an authorization confirms the order).
     */
    public record RecordPaymentReply(String orderId, PaymentEvent reply, CustomerStanding standing, Instant now)
            implements Command {
        public RecordPaymentReply {
            Objects.requireNonNull(standing, "standing");
        }
    }

    /**
     * The customer's account was suspended or archived ({@code standing}): the order is cancelled with
     * compensation unless it is confirmed already (or over).
     */
    public record CancelForAccount(String orderId, CustomerStanding standing, Instant now) implements Command {
        public CancelForAccount {
            if (standing == null || standing.mayShop()) {
                throw new IllegalArgumentException("an order is cancelled for an account that may not shop");
            }
        }
    }

    /** The deadline of {@code step}'s {@code attempt} has passed (the scheduler saw it due at {@code now}). */
    public record DeadlinePassed(String orderId, SagaStep step, int attempt, Instant now) implements Command {
    }

    /** The customer, or an administrator, cancels the order. */
    public record CancelOrder(String orderId, Canceller by, Instant now) implements Command {
        public CancelOrder {
            Objects.requireNonNull(by, "by");
        }
    }

    /** Who cancels an order: its customer, or an administrator (recorded as {@code ADMIN_CANCELLED}). */
    public enum Canceller {
        CUSTOMER, ADMIN
    }

    // ---------------------------------------------------------------- state

    public sealed interface State {
    }

    /** What the decisions need of a placed order. */
    public record Placed(String orderId, String customerId, List<StockLine> stock, long totalCents, String cardToken) {
        static Placed of(OrderPlaced placed) {
            return new Placed(placed.orderId(), placed.customerId(),
                    placed.lines().stream().map(line -> new StockLine(line.sku(), line.quantity())).toList(),
                    placed.totalCents(), placed.cardToken());
        }
    }

    /** A step waiting for its reply until {@code deadline}. */
    public record Pending(SagaStep step, int attempt, Instant deadline) {
    }

    public record NotPlaced() implements State {
    }

    /**
     * On its way: {@code status} from the last status event, {@code step} the one step waiting (null only
     * between the events of one decision).
     */
    public record InProgress(Placed order, OrderStatus status, Pending step) implements State {
    }

    public record Delivered(Placed order) implements State {
    }

    /**
     * Cancelled; {@code compensations} are still owed (each waiting for its reply), {@code settled} are the
     * compensations no longer needed (answered, or nothing to undo), so a late reply does not ask again.
     */
    public record Cancelled(Placed order, CancellationReason reason, Map<SagaStep, Pending> compensations,
                            Set<SagaStep> settled) implements State {
        public Cancelled {
            compensations = compensations.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(compensations));
            settled = settled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(settled));
        }

        boolean owes(SagaStep step) {
            return compensations.containsKey(step);
        }

        /** Whether a late reply calls for {@code step}: not owed yet, and not settled. */
        boolean needs(SagaStep step) {
            return !compensations.containsKey(step) && !settled.contains(step);
        }

        Cancelled owing(Pending pending) {
            Map<SagaStep, Pending> owed = new EnumMap<>(SagaStep.class);
            owed.putAll(compensations);
            owed.put(pending.step(), pending);
            return new Cancelled(order, reason, owed, settled);
        }

        Cancelled settling(SagaStep step) {
            Map<SagaStep, Pending> owed = new EnumMap<>(SagaStep.class);
            owed.putAll(compensations);
            owed.remove(step);
            Set<SagaStep> done = EnumSet.noneOf(SagaStep.class);
            done.addAll(settled);
            done.add(step);
            return new Cancelled(order, reason, owed, done);
        }
    }

    /** The customer of an order in {@code state} (none before it is placed). */
    public static java.util.Optional<String> customerOf(State state) {
        return switch (state) {
            case NotPlaced notPlaced -> java.util.Optional.empty();
            case InProgress inProgress -> java.util.Optional.of(inProgress.order().customerId());
            case Delivered delivered -> java.util.Optional.of(delivered.order().customerId());
            case Cancelled cancelled -> java.util.Optional.of(cancelled.order().customerId());
        };
    }

    /**
     * Whether a {@link CancelOrder} cancels an order in {@code state}: while the saga waits for the stock, the
     * payment's authorization or its capture; not once the shipment is asked for, shipped, delivered or cancelled
     * (a second cancel changes nothing). The one rule behind the decision and the order's {@code cancel} link.
     */
    public static boolean cancellable(State state) {
        return switch (state) {
            case NotPlaced notPlaced -> false;
            case InProgress inProgress -> inProgress.step() != null
                    && switch (inProgress.step().step()) {
                        case RESERVE_STOCK, AUTHORIZE_PAYMENT, CAPTURE_PAYMENT -> true;
                        case SHIP_STOCK, DELIVER, RELEASE_STOCK, VOID_PAYMENT, REFUND_PAYMENT -> false;
                    };
            case Delivered delivered -> false;
            case Cancelled cancelled -> false;
        };
    }

    /** The status an order in {@code state} shows (null before it is placed). */
    public static OrderStatus status(State state) {
        return switch (state) {
            case NotPlaced notPlaced -> null;
            case InProgress inProgress -> inProgress.status();
            case Delivered delivered -> OrderStatus.DELIVERED;
            case Cancelled cancelled -> OrderStatus.CANCELLED;
        };
    }

    /**
     * The status {@code event} puts the order in, or null for a saga step that changes no status: the status
     * its published form names ({@link OrderMessages#statusAfter}).
     */
    public static OrderStatus statusAfter(OrderEvent event) {
        return OrderMessages.statusAfter(event);
    }

    // ---------------------------------------------------------------- evolve

    public static State evolve(State state, OrderEvent event) {
        return switch (event) {
            case OrderPlaced placed -> new InProgress(Placed.of(placed), statusAfter(placed), null);
            case StockReservationRequested requested -> waiting(state, SagaStep.RESERVE_STOCK, requested.attempt(),
                    requested.deadline());
            case OrderStockReserved reserved -> withStatus(state, reserved);
            case PaymentAuthorizationRequested requested -> waiting(state, SagaStep.AUTHORIZE_PAYMENT,
                    requested.attempt(), requested.deadline());
            case OrderPaymentAuthorized authorized -> withStatus(state, authorized);
            case OrderConfirmed confirmed -> withStatus(state, confirmed);
            case PaymentCaptureRequested requested -> waiting(state, SagaStep.CAPTURE_PAYMENT, requested.attempt(),
                    requested.deadline());
            case ShipmentRequested requested -> waiting(state, SagaStep.SHIP_STOCK, requested.attempt(),
                    requested.deadline());
            case OrderShipped shipped -> withStatus(state, shipped);
            case DeliveryScheduled scheduled -> waiting(state, SagaStep.DELIVER, 1, scheduled.dueAt());
            case OrderDelivered delivered -> state instanceof InProgress inProgress
                    ? new Delivered(inProgress.order()) : state;
            case OrderCancelled cancelled -> state instanceof InProgress inProgress
                    ? new Cancelled(inProgress.order(), cancelled.reason(), Map.of(),
                    // a rejected reservation holds nothing: no release will ever be needed
                    cancelled.reason() == CancellationReason.OUT_OF_STOCK ? Set.of(SagaStep.RELEASE_STOCK) : Set.of())
                    : state;
            case StockReleaseRequested requested -> owing(state, SagaStep.RELEASE_STOCK, requested.attempt(),
                    requested.deadline());
            case PaymentVoidRequested requested -> owing(state, SagaStep.VOID_PAYMENT, requested.attempt(),
                    requested.deadline());
            case PaymentRefundRequested requested -> owing(state, SagaStep.REFUND_PAYMENT, requested.attempt(),
                    requested.deadline());
            case CompensationCompleted completed -> state instanceof Cancelled cancelled
                    ? cancelled.settling(completed.step()) : state;
        };
    }

    private static State waiting(State state, SagaStep step, int attempt, Instant deadline) {
        return state instanceof InProgress inProgress
                ? new InProgress(inProgress.order(), inProgress.status(), new Pending(step, attempt, deadline)) : state;
    }

    private static State withStatus(State state, OrderEvent.StatusEvent event) {
        return state instanceof InProgress inProgress
                ? new InProgress(inProgress.order(), statusAfter(event), null) : state;
    }

    private static State owing(State state, SagaStep step, int attempt, Instant deadline) {
        return state instanceof Cancelled cancelled ? cancelled.owing(new Pending(step, attempt, deadline)) : state;
    }

    // ---------------------------------------------------------------- decide

    public static List<OrderEvent> decide(Command command, State state, Policy policy) {
        return switch (command) {
            case PlaceOrder place -> switch (state) {
                case NotPlaced notPlaced -> place.standing().mayShop() ? place(place, policy) : refuse(place);
                case InProgress inProgress -> List.of();   // the same checkout delivered again
                case Delivered delivered -> List.of();
                case Cancelled cancelled -> List.of();
            };
            case RecordStockReply reply -> switch (state) {
                case NotPlaced notPlaced -> List.of();
                case InProgress inProgress -> onStockReply(inProgress, reply, policy);
                case Delivered delivered -> List.of();
                case Cancelled cancelled -> afterCancellation(cancelled, reply, policy);
            };
            case RecordPaymentReply reply -> switch (state) {
                case NotPlaced notPlaced -> List.of();
                case InProgress inProgress -> onPaymentReply(inProgress, reply, policy);
                case Delivered delivered -> List.of();
                case Cancelled cancelled -> afterCancellation(cancelled, reply, policy);
            };
            case DeadlinePassed passed -> switch (state) {
                case NotPlaced notPlaced -> List.of();
                case InProgress inProgress -> onDeadline(inProgress, passed, policy);
                case Delivered delivered -> List.of();
                case Cancelled cancelled -> onDeadline(cancelled, passed, policy);
            };
            case CancelOrder cancel -> switch (state) {
                case NotPlaced notPlaced -> throw new OrderNotFound(cancel.orderId());
                case InProgress inProgress -> cancelOnRequest(inProgress, cancel, policy);
                case Delivered delivered -> throw new OrderNotCancellable(cancel.orderId(), "it was delivered");
                case Cancelled cancelled -> List.of();  // asked twice
            };
            case CancelForAccount cancel -> switch (state) {
                case NotPlaced notPlaced -> List.of();
                case InProgress inProgress -> beforeConfirming(inProgress)
                        ? cancel(inProgress, cancel.standing().reason(), cancel.standing().detail(),
                        compensationsAt(inProgress.step().step()), cancel.now(), policy)
                        : List.of();    // confirmed already: kept
                case Delivered delivered -> List.of();
                case Cancelled cancelled -> List.of();
            };
        };
    }

    /** Whether the order waits for a step before its confirmation: the reservation or the authorization. */
    private static boolean beforeConfirming(InProgress order) {
        return waitingFor(order, SagaStep.RESERVE_STOCK) || waitingFor(order, SagaStep.AUTHORIZE_PAYMENT);
    }

    /** A checkout of a customer who may not shop: placed (it happened) and cancelled at once, nothing asked. */
    private static List<OrderEvent> refuse(PlaceOrder place) {
        return List.of(
                new OrderPlaced(place.orderId(), place.customerId(), place.email(), place.lines(), place.subtotalCents(),
                        place.taxCents(), place.totalCents(), place.shippingAddress(), place.cardToken()),
                new OrderCancelled(place.orderId(), place.customerId(), place.standing().reason(),
                        place.standing().detail(), OrderStatus.PLACED));
    }

    private static List<OrderEvent> place(PlaceOrder place, Policy policy) {
        List<StockLine> stock = place.lines().stream().map(line -> new StockLine(line.sku(), line.quantity())).toList();
        return List.of(
                new OrderPlaced(place.orderId(), place.customerId(), place.email(), place.lines(), place.subtotalCents(),
                        place.taxCents(), place.totalCents(), place.shippingAddress(), place.cardToken()),
                new StockReservationRequested(place.orderId(), stock, 1, place.now().plus(policy.stepTimeout())));
    }

    private static boolean waitingFor(InProgress order, SagaStep step) {
        return order.step() != null && order.step().step() == step;
    }

    private static List<OrderEvent> onStockReply(InProgress order, RecordStockReply reply, Policy policy) {
        String id = order.order().orderId();
        Instant deadline = reply.now().plus(policy.stepTimeout());
        return switch (reply.reply()) {
            case StockReserved reserved -> !waitingFor(order, SagaStep.RESERVE_STOCK) ? List.of()
                    : !reply.standing().mayShop()
                    ? cancel(order, reply.standing().reason(), reply.standing().detail(),
                    List.of(SagaStep.RELEASE_STOCK), reply.now(), policy)
                    : List.of(new OrderStockReserved(id), new PaymentAuthorizationRequested(id,
                    order.order().customerId(), order.order().cardToken(), order.order().totalCents(), 1, deadline));
            case StockReservationRejected rejected -> waitingFor(order, SagaStep.RESERVE_STOCK)
                    ? List.of(new OrderCancelled(id, order.order().customerId(), CancellationReason.OUT_OF_STOCK,
                    shortages(rejected), order.status()))
                    : List.of();
            case StockShipped shipped -> waitingFor(order, SagaStep.SHIP_STOCK)
                    ? List.of(new OrderShipped(id, order.order().customerId()),
                    new DeliveryScheduled(id, reply.now().plus(policy.carrierDelay())))
                    : List.of();
            // only a cancelled order asks for a release
            case StockReleased released -> List.of();
        };
    }

    private static List<OrderEvent> onPaymentReply(InProgress order, RecordPaymentReply reply, Policy policy) {
        String id = order.order().orderId();
        Instant deadline = reply.now().plus(policy.stepTimeout());
        return switch (reply.reply()) {
            case PaymentAuthorized authorized -> !waitingFor(order, SagaStep.AUTHORIZE_PAYMENT) ? List.of()
                    : !reply.standing().mayShop()
                    ? cancel(order, reply.standing().reason(), reply.standing().detail(),
                    List.of(SagaStep.RELEASE_STOCK, SagaStep.VOID_PAYMENT), reply.now(), policy)
                    : List.of(new OrderPaymentAuthorized(id, authorized.amountCents()),
                    new OrderConfirmed(id, order.order().customerId()), new PaymentCaptureRequested(id, 1, deadline));
            case PaymentDeclined declined -> waitingFor(order, SagaStep.AUTHORIZE_PAYMENT)
                    ? cancel(order, CancellationReason.PAYMENT_DECLINED, "payment declined: " + declined.reason(),
                    List.of(SagaStep.RELEASE_STOCK), reply.now(), policy)
                    : List.of();
            case PaymentCaptured captured -> waitingFor(order, SagaStep.CAPTURE_PAYMENT)
                    ? List.of(new ShipmentRequested(id, 1, deadline))
                    : List.of();
            case PaymentCommandRejected rejected -> {
                if (isCommand(rejected, AuthorizePayment.class) && waitingFor(order, SagaStep.AUTHORIZE_PAYMENT)) {
                    yield cancel(order, CancellationReason.PAYMENT_DECLINED, "authorization refused: "
                            + rejected.reason(), List.of(SagaStep.RELEASE_STOCK), reply.now(), policy);
                }
                if (isCommand(rejected, CapturePayment.class) && waitingFor(order, SagaStep.CAPTURE_PAYMENT)) {
                    yield cancel(order, CancellationReason.PAYMENT_DECLINED, "capture refused: " + rejected.reason(),
                            List.of(SagaStep.RELEASE_STOCK, SagaStep.VOID_PAYMENT), reply.now(), policy);
                }
                yield List.of();
            }
            // only a cancelled order asks for these
            case PaymentVoided voided -> List.of();
            case PaymentRefunded refunded -> List.of();
        };
    }

    private static List<OrderEvent> onDeadline(InProgress order, DeadlinePassed passed, Policy policy) {
        Pending step = order.step();
        if (step == null || step.step() != passed.step() || step.attempt() != passed.attempt()
                || passed.now().isBefore(step.deadline())) {
            return List.of();   // answered meanwhile, or already retried: not the current deadline
        }
        String id = order.order().orderId();
        if (step.step() == SagaStep.DELIVER) {
            return List.of(new OrderDelivered(id, order.order().customerId()));
        }
        if (step.attempt() < policy.maxAttempts()) {
            return List.of(request(order.order(), step.step(), step.attempt() + 1,
                    passed.now().plus(policy.stepTimeout())));
        }
        String detail = "no answer to " + step.step() + " after " + step.attempt() + " attempts";
        return cancel(order, CancellationReason.TIMED_OUT, detail, compensationsAt(step.step()), passed.now(), policy);
    }

    private static List<OrderEvent> onDeadline(Cancelled order, DeadlinePassed passed, Policy policy) {
        Pending owed = order.compensations().get(passed.step());
        if (owed == null || owed.attempt() != passed.attempt() || passed.now().isBefore(owed.deadline())) {
            return List.of();
        }
        int attempt = owed.attempt() + 1;
        return List.of(request(order.order(), owed.step(), attempt, policy.compensationDeadline(passed.now(), attempt)));
    }

    private static List<OrderEvent> cancelOnRequest(InProgress order, CancelOrder cancel, Policy policy) {
        SagaStep step = order.step() == null ? null : order.step().step();
        if (cancellable(order)) {
            return switch (cancel.by()) {
                case CUSTOMER -> cancel(order, CancellationReason.CUSTOMER_CANCELLED, "cancelled by the customer",
                        compensationsAt(step), cancel.now(), policy);
                case ADMIN -> cancel(order, CancellationReason.ADMIN_CANCELLED, "cancelled by an administrator",
                        compensationsAt(step), cancel.now(), policy);
            };
        }
        throw new OrderNotCancellable(cancel.orderId(), step == SagaStep.SHIP_STOCK ? "it is being shipped"
                : "it was shipped");
    }

    /**
     * What to undo when the order is cancelled while {@code step} waits: the reservation (released even if
     * its answer is still out: inventory then closes it, so a late reservation takes nothing), and the
     * payment, voided while it may be authorized and not captured, refunded once captured.
     */
    private static List<SagaStep> compensationsAt(SagaStep step) {
        return switch (step) {
            case RESERVE_STOCK -> List.of(SagaStep.RELEASE_STOCK);
            case AUTHORIZE_PAYMENT, CAPTURE_PAYMENT -> List.of(SagaStep.RELEASE_STOCK, SagaStep.VOID_PAYMENT);
            case SHIP_STOCK -> List.of(SagaStep.RELEASE_STOCK, SagaStep.REFUND_PAYMENT);
            case DELIVER, RELEASE_STOCK, VOID_PAYMENT, REFUND_PAYMENT -> List.of();
        };
    }

    private static List<OrderEvent> cancel(InProgress order, CancellationReason reason, String detail,
                                           List<SagaStep> compensations, Instant now, Policy policy) {
        List<OrderEvent> events = new ArrayList<>();
        events.add(new OrderCancelled(order.order().orderId(), order.order().customerId(), reason, detail,
                order.status()));
        for (SagaStep step : compensations) {
            events.add(request(order.order(), step, 1, policy.compensationDeadline(now, 1)));
        }
        return List.copyOf(events);
    }

    /** A late reply to a cancelled order: settle what it answers, undo what it reveals. */
    private static List<OrderEvent> afterCancellation(Cancelled order, RecordStockReply reply, Policy policy) {
        String id = order.order().orderId();
        return switch (reply.reply()) {
            case StockReserved reserved -> order.needs(SagaStep.RELEASE_STOCK)
                    ? List.of(request(order.order(), SagaStep.RELEASE_STOCK, 1,
                    policy.compensationDeadline(reply.now(), 1)))
                    : List.of();
            // each of these leaves nothing reserved
            case StockReservationRejected rejected -> settle(order, SagaStep.RELEASE_STOCK, id, rejected);
            case StockReleased released -> settle(order, SagaStep.RELEASE_STOCK, id, released);
            case StockShipped shipped -> settle(order, SagaStep.RELEASE_STOCK, id, shipped);
        };
    }

    private static List<OrderEvent> afterCancellation(Cancelled order, RecordPaymentReply reply, Policy policy) {
        String id = order.order().orderId();
        Instant deadline = policy.compensationDeadline(reply.now(), 1);
        return switch (reply.reply()) {
            case PaymentAuthorized authorized -> order.needs(SagaStep.VOID_PAYMENT)
                    && order.needs(SagaStep.REFUND_PAYMENT)
                    ? List.of(request(order.order(), SagaStep.VOID_PAYMENT, 1, deadline))
                    : List.of();
            case PaymentDeclined declined -> settle(order, SagaStep.VOID_PAYMENT, id, declined);
            case PaymentVoided voided -> settle(order, SagaStep.VOID_PAYMENT, id, voided);
            // captured after all: a void can no longer apply, a refund must
            case PaymentCaptured captured -> {
                List<OrderEvent> events = new ArrayList<>(settle(order, SagaStep.VOID_PAYMENT, id, captured));
                if (order.needs(SagaStep.REFUND_PAYMENT)) {
                    events.add(request(order.order(), SagaStep.REFUND_PAYMENT, 1, deadline));
                }
                yield List.copyOf(events);
            }
            case PaymentRefunded refunded -> settle(order, SagaStep.REFUND_PAYMENT, id, refunded);
            case PaymentCommandRejected rejected -> {
                // nothing to void / refund (never authorized, declined, already done)
                if (isCommand(rejected, VoidPayment.class) || isCommand(rejected, AuthorizePayment.class)) {
                    yield settle(order, SagaStep.VOID_PAYMENT, id, rejected);
                }
                if (isCommand(rejected, RefundPayment.class)) {
                    yield settle(order, SagaStep.REFUND_PAYMENT, id, rejected);
                }
                yield List.of();
            }
        };
    }

    private static List<OrderEvent> settle(Cancelled order, SagaStep step, String orderId, Object reply) {
        return order.owes(step)
                ? List.of(new CompensationCompleted(orderId, step, reply.getClass().getSimpleName()))
                : List.of();
    }

    /** The event that asks for {@code step} (again). */
    private static OrderEvent request(Placed order, SagaStep step, int attempt, Instant deadline) {
        String id = order.orderId();
        return switch (step) {
            case RESERVE_STOCK -> new StockReservationRequested(id, order.stock(), attempt, deadline);
            case AUTHORIZE_PAYMENT -> new PaymentAuthorizationRequested(id, order.customerId(), order.cardToken(),
                    order.totalCents(), attempt, deadline);
            case CAPTURE_PAYMENT -> new PaymentCaptureRequested(id, attempt, deadline);
            case SHIP_STOCK -> new ShipmentRequested(id, attempt, deadline);
            case DELIVER -> new DeliveryScheduled(id, deadline);
            case RELEASE_STOCK -> new StockReleaseRequested(id, attempt, deadline);
            case VOID_PAYMENT -> new PaymentVoidRequested(id, attempt, deadline);
            case REFUND_PAYMENT -> new PaymentRefundRequested(id, attempt, deadline);
        };
    }

    private static boolean isCommand(PaymentCommandRejected rejected, Class<?> command) {
        return command.getSimpleName().equals(rejected.command());
    }

    private static String shortages(StockReservationRejected rejected) {
        if (rejected.shortages() == null || rejected.shortages().isEmpty()) {
            return "the reservation was rejected";
        }
        return "short: " + rejected.shortages().stream().map(line -> line.sku() + " by " + line.quantity())
                .collect(Collectors.joining(", "));
    }
}
