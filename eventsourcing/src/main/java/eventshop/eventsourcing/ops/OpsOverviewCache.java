package eventshop.eventsourcing.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One part of the overview that costs a round trip to the broker (consumer lag, a topic's parked count), kept so
 * that a console polling every 2 s does not ask the broker every 2 s: the first request computes it; after that a
 * request answers what is kept and, if it is older than {@code maxAge}, starts one refresh on a virtual thread
 * (never two at once), whose answer the next request sees. So the broker is asked at most once per
 * {@code maxAge}, and a broker that does not answer slows one background refresh, not the console's requests
 * (but the very first). A failure is kept like a value: as the error's text, which the overview shows in place
 * of the part.
 *
 * <p>Thread-safe.
 */
final class OpsOverviewCache<T> {

    private record Kept(Object answer, Instant at) {
    }

    private final Supplier<T> compute;
    private final Duration maxAge;
    private final Clock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile @Nullable Kept kept;

    OpsOverviewCache(Supplier<T> compute, Duration maxAge, Clock clock) {
        this.compute = compute;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The part's value (a {@code T}), or its error as text. */
    Object get() {
        Kept now = kept;
        if (now == null) {
            synchronized (this) {
                if (kept == null) {
                    kept = computeNow();
                }
                return kept.answer();
            }
        }
        if (now.at().plus(maxAge).isBefore(clock.instant()) && refreshing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ops-overview-refresh").start(() -> {
                try {
                    kept = computeNow();
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return now.answer();
    }

    private Kept computeNow() {
        Object answer;
        try {
            answer = compute.get();
        } catch (RuntimeException failed) {
            answer = OpsOverview.error(failed);
        }
        return new Kept(answer, clock.instant());
    }
}
