package eventshop.launcher.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What became of the orders a load run had accepted, from orders' status events as the run's one
 * subscription to {@code orders.events} delivers them, and when each confirmation became visible in the
 * views (from {@link ViewsProbe}). Status events of orders the run did not accept are ignored (another
 * client's, or one of ours whose 202 has not reached us yet: those are kept until {@link #accepted}
 * claims them); a status delivered twice (the relay publishes at least once) counts once. Thread-safe.
 */
public final class Outcomes {

    /** The event types that settle or follow an outcome; others are not looked at. */
    static final String CONFIRMED = "OrderConfirmed";
    static final String CANCELLED = "OrderCancelled";
    static final String DELIVERED = "OrderDelivered";

    /**
     * A status event of an order on {@code orders.events}.
     *
     * @param type     the {@code event-type} header, e.g. {@code OrderConfirmed}
     * @param reason   the cancellation reason of an {@code OrderCancelled}, else null
     * @param at       the event's timestamp (recorded by orders)
     * @param position its position in orders' log ({@code source-position})
     * @param stream   its stream ({@code stream-id}, {@code order-<id>})
     */
    public record StatusEvent(String orderId, String type, String reason, Instant at, long position, String stream) {
    }

    /** An accepted order's outcome so far. */
    public record Result(String orderId, Instant acceptedAt, Duration intendedToAccepted, String outcome,
                         Instant confirmedAt, Instant visibleAt, boolean delivered) {

        /** Accepted → CONFIRMED (the event's timestamp), or null. Never negative. */
        public Duration toConfirmed() {
            return confirmedAt == null ? null : max0(Duration.between(acceptedAt, confirmedAt));
        }

        /** Accepted → visible in the views' order history, or null. */
        public Duration toVisible() {
            return visibleAt == null ? null : max0(Duration.between(acceptedAt, visibleAt));
        }

        private static Duration max0(Duration d) {
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    /** The confirmation the views have to show next: its token is {@code orders:<position>@<stream>}. */
    public record Pending(long position, String stream) {
    }

    private static final class Order {
        final String id;
        final Instant acceptedAt;
        final Duration intendedToAccepted;
        final Set<String> seen = new HashSet<>();
        String outcome;
        Instant confirmedAt;
        long confirmedPosition = -1;
        String confirmedStream;
        Instant visibleAt;
        boolean delivered;

        Order(String id, Instant acceptedAt, Duration intendedToAccepted) {
            this.id = id;
            this.acceptedAt = acceptedAt;
            this.intendedToAccepted = intendedToAccepted;
        }
    }

    private final Map<String, Order> orders = new LinkedHashMap<>();
    private final Map<String, List<StatusEvent>> unclaimed = new HashMap<>();
    /** Confirmed orders the views are not known to show yet, by their confirmation's position. */
    private final NavigableMap<Long, List<Order>> unseen = new TreeMap<>();
    private int withoutOutcome;
    private int duplicates;
    private int cancelledAfterConfirmed;

    /** The run's checkout of {@code orderId} was accepted (202) at {@code at}, {@code late} after its slot. */
    public synchronized void accepted(String orderId, Instant at, Duration intendedToAccepted) {
        if (orders.containsKey(orderId)) {
            throw new IllegalStateException("order " + orderId + " accepted twice");
        }
        orders.put(orderId, new Order(orderId, at, intendedToAccepted));
        withoutOutcome++;
        List<StatusEvent> early = unclaimed.remove(orderId);
        if (early != null) {
            early.forEach(this::apply);
        }
        notifyAll();
    }

    /** A status event from {@code orders.events}. */
    public synchronized void on(StatusEvent event) {
        if (!Set.of(CONFIRMED, CANCELLED, DELIVERED).contains(event.type())) {
            return;
        }
        if (orders.containsKey(event.orderId())) {
            apply(event);
            notifyAll();
        } else {
            unclaimed.computeIfAbsent(event.orderId(), id -> new ArrayList<>()).add(event);
        }
    }

    private void apply(StatusEvent event) {
        Order order = orders.get(event.orderId());
        if (!order.seen.add(event.type())) {
            duplicates++;
            return;
        }
        switch (event.type()) {
            case CONFIRMED -> {
                order.confirmedAt = event.at();
                order.confirmedPosition = event.position();
                order.confirmedStream = event.stream();
                unseen.computeIfAbsent(event.position(), p -> new ArrayList<>()).add(order);
                if (order.outcome == null) {
                    order.outcome = "CONFIRMED";
                    withoutOutcome--;
                }
            }
            case CANCELLED -> {
                if (order.outcome == null) {
                    order.outcome = "CANCELLED " + (event.reason() == null ? "?" : event.reason());
                    withoutOutcome--;
                } else {
                    cancelledAfterConfirmed++;
                }
            }
            case DELIVERED -> order.delivered = true;
            default -> throw new IllegalArgumentException(event.type());
        }
    }

    /**
     * The confirmed order with the highest position that the views are not known to show yet; waits up
     * to {@code timeout} for one.
     */
    public synchronized Optional<Pending> awaitPending(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Pending> pending = unseen.isEmpty() ? Optional.empty()
                    : Optional.of(unseen.lastEntry().getValue().getFirst()).map(o -> new Pending(o.confirmedPosition, o.confirmedStream));
            long left = until - System.nanoTime();
            if (pending.isPresent() || left <= 0) {
                return pending;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * The views answered a query that waited for {@code position} of orders' log at {@code at}: every
     * confirmation up to that position is visible by then.
     */
    public synchronized void visible(long position, Instant at) {
        NavigableMap<Long, List<Order>> seen = unseen.headMap(position, true);
        seen.values().forEach(list -> list.forEach(order -> order.visibleAt = at));
        seen.clear();
        notifyAll();
    }

    /** Whether every accepted order has an outcome and every confirmation is visible. */
    public synchronized boolean settled() {
        return withoutOutcome == 0 && unseen.isEmpty();
    }

    /** Waits until {@link #settled()} or {@code deadline} ({@link System#nanoTime()}); returns whether settled. */
    public synchronized boolean awaitSettled(long deadline) throws InterruptedException {
        while (!settled()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    public synchronized List<Result> results() {
        return orders.values().stream().map(o -> new Result(o.id, o.acceptedAt, o.intendedToAccepted, o.outcome,
                o.confirmedAt, o.visibleAt, o.delivered)).toList();
    }

    /** Accepted orders by outcome ({@code CONFIRMED}, {@code CANCELLED <reason>}, {@code NONE}). */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        orders.values().forEach(o -> counts.merge(o.outcome == null ? "NONE" : o.outcome, 1, Integer::sum));
        return counts;
    }

    public synchronized int accepted() {
        return orders.size();
    }

    /** Status events delivered again for an order and status already seen. */
    public synchronized int duplicates() {
        return duplicates;
    }

    /** Orders cancelled after their confirmation (refunded): their outcome stays CONFIRMED. */
    public synchronized int cancelledAfterConfirmed() {
        return cancelledAfterConfirmed;
    }

    /** Status events of orders this run never accepted. */
    public synchronized int ignored() {
        return unclaimed.values().stream().mapToInt(List::size).sum();
    }
}
