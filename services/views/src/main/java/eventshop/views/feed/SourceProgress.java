package eventshop.views.feed;

import eventshop.eventsourcing.consistency.ReadModelProgress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far the serving generation of the views has applied each source service's log, for
 * consistency tokens: one position per source that only moves forward (across generation switches
 * too), and futures completed when it reaches a value (nothing polls). Thread-safe.
 *
 * <p>What "applied up to P" means is decided by {@link FeedRunner} (see its Javadoc); this class only
 * keeps the result.
 */
public final class SourceProgress implements ReadModelProgress {

    private record Waiter(long position, CompletableFuture<Void> reached) {
    }

    private static final class Position {
        final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::position));
        volatile long applied = -1;
    }

    private final Set<String> sources;
    private final Map<String, Position> positions = new ConcurrentHashMap<>();

    public SourceProgress(Set<String> sources) {
        this.sources = Set.copyOf(sources);
        this.sources.forEach(source -> positions.put(source, new Position()));
    }

    @Override
    public String name() {
        return "views";
    }

    @Override
    public boolean follows(String source) {
        return sources.contains(source);
    }

    @Override
    public long applied(String source) {
        Position position = positions.get(source);
        return position == null ? -1 : position.applied;
    }

    /** Every source's applied position. */
    public Map<String, Long> all() {
        Map<String, Long> all = new java.util.TreeMap<>();
        positions.forEach((source, position) -> all.put(source, position.applied));
        return all;
    }

    /** Moves {@code source} to {@code to} if that is further, completing the waits it reaches. */
    public void advance(String source, long to) {
        Position position = positions.get(source);
        if (position == null) {
            return;
        }
        List<Waiter> reached = new ArrayList<>();
        synchronized (position) {
            if (to <= position.applied) {
                return;
            }
            position.applied = to;
            while (!position.waiters.isEmpty() && position.waiters.peek().position() <= to) {
                reached.add(position.waiters.poll());
            }
        }
        reached.forEach(waiter -> waiter.reached().complete(null));
    }

    @Override
    public CompletableFuture<Void> whenApplied(String source, long target) {
        Position position = positions.get(source);
        if (position == null) {
            return new CompletableFuture<>();
        }
        CompletableFuture<Void> reached = new CompletableFuture<>();
        Waiter waiter = new Waiter(target, reached);
        synchronized (position) {
            if (position.applied >= target) {
                return CompletableFuture.completedFuture(null);
            }
            position.waiters.add(waiter);
        }
        reached.whenComplete((ignored, error) -> {
            if (error != null) {
                synchronized (position) {
                    position.waiters.remove(waiter);
                }
            }
        });
        return reached;
    }
}
