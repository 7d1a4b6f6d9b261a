package eventshop.orders.order;

import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.payments.PaymentEvent;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.OrdersProperties;
import eventshop.orders.customers.CustomerStandings;
import eventshop.orders.order.domain.CustomerStanding;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.SagaStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The orders' command side: every input of the saga (a checkout, a reply, a passed deadline, a customer's
 * or an administrator's cancel, an account that may no longer shop) becomes one command to the order's
 * decider, with the time from the injected {@link Clock} and, where the decision depends on it, the
 * customer's standing from {@link CustomerStandings} (looked up here: the domain does no I/O). What the
 * decider appends is the saga's progress and, through the relay, its outgoing commands.
 * Thread-safe; concurrent inputs for one order are serialized by the stream's expected version.
 */
@Component
public class Orders {

    public static final JsonEventCodec<OrderEvent> CODEC = JsonEventCodec.of(OrderEvent.class);

    private final CommandHandler<Order.Command, OrderEvent, Order.State> handler;
    private final EventStore store;
    private final Clock clock;
    private final SagaMetrics metrics;
    private final CustomerStandings standings;

    public Orders(EventStore store, Clock clock, Supplier<UUID> ids, OrdersProperties properties, SagaMetrics metrics,
                  CustomerStandings standings, @Value("${eventshop.service-name:orders}") String serviceName,
                  MeterRegistry registry) {
        this.handler = CommandHandler.builder(serviceName, store, Order.decider(properties.policy()), CODEC)
                .clock(clock)
                .ids(ids)
                .maxAttempts(20)
                .snapshotting(properties.snapshotEvery() > 0 ? snapshotting(properties.snapshotEvery()) : null)
                .meterRegistry(registry)
                .build();
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.standings = standings;
    }

    /**
     * The orders' snapshots: the order's state as JSON, every {@code every} events. Raise the version when
     * {@code Order}'s evolve folds differently while the state's records keep their shape (a change of shape
     * changes the snapshot type by itself); older snapshots are then ignored and replaced.
     */
    public static CommandHandler.Snapshotting<Order.State> snapshotting(int every) {
        return CommandHandler.Snapshotting.json("order", 1, Order.State.class, every);
    }

    /** The order aggregate (the checkout saga), for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("order", Order.streamId(""), handler);
    }

    /**
     * Places the order a cart became (nothing new if it is placed already); a customer who may not shop
     * gets it placed and cancelled at once.
     */
    public CommandResult<OrderEvent> place(CartCheckedOut checkout, CommandContext context) {
        List<OrderLine> lines = checkout.lines().stream().map(line -> new OrderLine(line.sku(), line.name(),
                line.quantity(), line.unitPriceCents(), line.lineTotalCents())).toList();
        return handle(new Order.PlaceOrder(checkout.orderId(), checkout.customerId(), checkout.email(), lines,
                checkout.subtotalCents(), checkout.taxCents(), checkout.totalCents(), checkout.shippingAddress(),
                checkout.cardToken(), standings.of(checkout.customerId()), clock.instant()), null, context);
    }

    /** Inventory's answer; a reservation leads on to the payment only for a customer who may still shop. */
    public CommandResult<OrderEvent> stockReply(ReservationEvent reply, CommandContext context) {
        CustomerStanding standing = reply instanceof StockReserved
                ? standingOfCustomer(reply.orderId()) : CustomerStanding.MAY_SHOP;
        return handle(new Order.RecordStockReply(reply.orderId(), reply, standing, clock.instant()), null, context);
    }

    /** Payments' answer; an authorization confirms the order only for a customer who may still shop. */
    public CommandResult<OrderEvent> paymentReply(PaymentEvent reply, CommandContext context) {
        CustomerStanding standing = reply instanceof PaymentAuthorized authorized
                ? (authorized.customerId() != null ? standings.of(authorized.customerId())
                : standingOfCustomer(reply.orderId()))
                : CustomerStanding.MAY_SHOP;
        return handle(new Order.RecordPaymentReply(reply.orderId(), reply, standing, clock.instant()), null, context);
    }

    /** The standing of the order's customer (who may shop if there is no such order: then nothing is decided). */
    private CustomerStanding standingOfCustomer(String orderId) {
        return Order.customerOf(load(orderId).state()).map(standings::of).orElse(CustomerStanding.MAY_SHOP);
    }

    /**
     * Cancels the order because its customer's account may no longer shop (suspended, archived), with
     * compensation, unless it is confirmed already.
     */
    public CommandResult<OrderEvent> cancelForAccount(String orderId, CustomerStanding standing,
                                                      CommandContext context) {
        return handle(new Order.CancelForAccount(orderId, standing, clock.instant()), null, context);
    }

    public CommandResult<OrderEvent> deadlinePassed(String orderId, SagaStep step, int attempt, CommandContext context) {
        return handle(new Order.DeadlinePassed(orderId, step, attempt, clock.instant()), step, context);
    }

    /**
     * Cancels the order for its customer, or an administrator ({@code by}).
     *
     * @throws eventshop.orders.order.domain.OrderErrors.OrderNotCancellable once its shipment is requested
     */
    public CommandResult<OrderEvent> cancel(String orderId, Order.Canceller by, CommandContext context) {
        return handle(new Order.CancelOrder(orderId, by, clock.instant()), null, context);
    }

    /** The order's state now (and its stream version, -1 if there is no such order). */
    public CommandHandler.Loaded<Order.State> load(String orderId) {
        return handler.load(Order.streamId(orderId));
    }

    /**
     * The conversation the order belongs to (the checkout's correlation id, carried by its first event), so
     * the commands of deadlines and cancellations stay in it; empty if there is no such order.
     */
    public java.util.Optional<String> correlationOf(String orderId) {
        return java.util.Optional.ofNullable(store.read(Order.streamId(orderId), 0).next().block())
                .map(first -> first.metadata().correlationId())
                .filter(correlation -> correlation != null && !correlation.isBlank());
    }

    /** The metadata headers of the order's latest event (its trace context): what the order's deadlines continue. */
    public java.util.Map<String, String> traceOf(String orderId) {
        return java.util.Optional.ofNullable(store.read(Order.streamId(orderId), 0).takeLast(1).next().block())
                .map(latest -> latest.metadata().headers()).orElse(java.util.Map.of());
    }

    /** The order's stored events from {@code fromVersion}, at most {@code limit}. */
    public List<RecordedEvent> events(String orderId, long fromVersion, int limit) {
        return store.read(Order.streamId(orderId), fromVersion).take(Math.min(limit, Limits.MAX_READ_LIMIT))
                .collectList().block();
    }

    public OrderEvent decode(RecordedEvent event) {
        return handler.decode(event);
    }

    private CommandResult<OrderEvent> handle(Order.Command command, SagaStep deadlineStep, CommandContext context) {
        CommandResult<OrderEvent> result = handler.handle(Order.streamId(command.orderId()), command, context);
        metrics.record(result.events(), deadlineStep);
        return result;
    }
}
