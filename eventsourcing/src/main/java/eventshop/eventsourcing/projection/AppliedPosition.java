package eventshop.eventsourcing.projection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * A position that only moves forward, and futures that complete when it reaches a value: how
 * queries wait for a projection without polling. Thread-safe.
 */
final class AppliedPosition {

    private record Waiter(long position, CompletableFuture<Void> reached) {
    }

    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::position));
    private volatile long position;

    AppliedPosition(long initial) {
        this.position = initial;
    }

    long get() {
        return position;
    }

    /** Moves to {@code to} if that is further, completing the futures it reaches. */
    void advance(long to) {
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

    /** Completes once the position is at least {@code target}; cancelling it withdraws the wait. */
    CompletableFuture<Void> whenReached(long target) {
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
    synchronized int waiting() {
        return waiters.size();
    }
}
