package eventshop.eventsourcing.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * A position that only moves forward, and futures that complete when it reaches a value: how
 * queries wait for a read model without polling. Projections keep one per projection, consumers one
 * per topic partition ({@code eventshop.eventsourcing.consuming.ConsumerProgress}). Thread-safe.
 */
public final class AppliedPosition {

    private record Waiter(long position, CompletableFuture<Void> reached) {
    }

    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::position));
    private volatile long position;

    /** @param initial where it starts; -1 for nothing applied */
    public AppliedPosition(long initial) {
        this.position = initial;
    }

    public long get() {
        return position;
    }

    /** Moves to {@code to} if that is further, completing the futures it reaches (outside the lock). */
    public void advance(long to) {
        List<Waiter> reached = new ArrayList<>();
        synchronized (this) {
            if (to <= position) {
                return;
            }
            position = to;
            while (!waiters.isEmpty() && waiters.peek().position() <= to) {
                reached.add(waiters.poll());
            }
        }
        reached.forEach(waiter -> waiter.reached().complete(null));
    }

    /**
     * Completes once the position is at least {@code target} (at once if it is); cancelling it
     * withdraws the wait. Never completes exceptionally.
     */
    public CompletableFuture<Void> whenReached(long target) {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        Waiter waiter = new Waiter(target, reached);
        synchronized (this) {
            if (position >= target) {
                return CompletableFuture.completedFuture(null);
            }
            waiters.add(waiter);
        }
        reached.whenComplete((ignored, error) -> {
            if (error != null) {
                synchronized (this) {
                    waiters.remove(waiter);
                }
            }
        });
        return reached;
    }

    /** How many waits are pending (for tests and ops). */
    public synchronized int waiting() {
        return waiters.size();
    }
}
