package eventshop.orders.history;

import eventshop.contracts.Address;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderEvent.CompensationCompleted;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.OrderPlaced;
import eventshop.orders.order.domain.SagaStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One order as {@code GET /api/orders/{id}} shows it, folded from its stream (so it is always as new as
 * the last command): status, totals, the timeline of status changes with the time each was recorded, the
 * step the saga waits for, and the compensations still owed (with their attempts) or done.
 */
public record OrderView(String orderId, String customerId, OrderStatus status, CancellationReason cancellationReason,
                        String cancellationDetail, List<OrderLine> lines, long subtotalCents, long taxCents,
                        long totalCents, Address shippingAddress, List<TimelineEntry> timeline, Waiting waitingFor,
                        List<Waiting> pendingCompensations, List<Completed> completedCompensations, long version) {

    public record TimelineEntry(OrderStatus status, Instant at) {
    }

    /** A step waiting for its reply: which attempt, until when. */
    public record Waiting(SagaStep step, int attempt, Instant deadline) {
    }

    public record Completed(SagaStep step, String reply, Instant at) {
    }

    /** An order's view and the decider's state it was folded with (what its links are decided from). */
    record Folded(OrderView view, Order.State state) {
    }

    /** The view of an order's stored events (at least its {@code OrderPlaced}). */
    static OrderView of(List<RecordedEvent> events, Function<RecordedEvent, OrderEvent> decode) {
        return fold(events, decode).view();
    }

    /** The view of an order's stored events (at least its {@code OrderPlaced}), and its state. */
    static Folded fold(List<RecordedEvent> events, Function<RecordedEvent, OrderEvent> decode) {
        Order.State state = new Order.NotPlaced();
        OrderPlaced placed = null;
        OrderCancelled cancelled = null;
        List<TimelineEntry> timeline = new ArrayList<>();
        List<Completed> completed = new ArrayList<>();
        long version = -1;
        for (RecordedEvent recorded : events) {
            OrderEvent event = decode.apply(recorded);
            state = Order.evolve(state, event);
            version = recorded.version();
            OrderStatus status = Order.statusAfter(event);
            if (status != null) {
                timeline.add(new TimelineEntry(status, recorded.metadata().timestamp()));
            }
            switch (event) {
                case OrderPlaced first -> placed = first;
                case OrderCancelled cancellation -> cancelled = cancellation;
                case CompensationCompleted done ->
                        completed.add(new Completed(done.step(), done.reply(), recorded.metadata().timestamp()));
                default -> {
                    // the rest shows through the state
                }
            }
        }
        if (placed == null) {
            throw new IllegalStateException("the stream has no OrderPlaced");
        }
        Waiting waiting = state instanceof Order.InProgress inProgress && inProgress.step() != null
                ? waiting(inProgress.step()) : null;
        List<Waiting> pending = state instanceof Order.Cancelled cancelledState
                ? cancelledState.compensations().values().stream().map(OrderView::waiting)
                .sorted(Comparator.comparing(Waiting::step)).toList()
                : List.of();
        return new Folded(new OrderView(placed.orderId(), placed.customerId(), Order.status(state),
                cancelled == null ? null : cancelled.reason(), cancelled == null ? null : cancelled.detail(),
                placed.lines(), placed.subtotalCents(), placed.taxCents(), placed.totalCents(),
                placed.shippingAddress(), List.copyOf(timeline), waiting, pending, List.copyOf(completed), version),
                state);
    }

    /**
     * The order with its shipping address opened for showing (sealed personal data, docs/privacy.md): the customer's
     * address, or "erased" once the customer was forgotten.
     */
    public OrderView opened(Sealing sealing) {
        return new OrderView(orderId, customerId, status, cancellationReason, cancellationDetail, lines, subtotalCents,
                taxCents, totalCents, shippingAddress == null ? null : sealing.open(shippingAddress), timeline,
                waitingFor, pendingCompensations, completedCompensations, version);
    }

    private static Waiting waiting(Order.Pending pending) {
        return new Waiting(pending.step(), pending.attempt(), pending.deadline());
    }
}
