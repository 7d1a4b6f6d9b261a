package eventshop.edge.admission;

import com.netflix.concurrency.limits.limit.AbstractLimit;
import java.time.Duration;

/**
 * How many checkouts may be in flight (accepted, not yet settled), adjusted from how long they take to settle: additive
 * increase, multiplicative decrease, steered by an absolute target rather than a measured baseline. A checkout that
 * settled within {@code target} while the limit was at least half in use raises the limit by one (so a limit in use
 * doubles in about one settle time); one that settled later, or was given up or timed out, multiplies it by
 * {@code backoff} — at most once per settle time: the checkouts admitted before the last decrease queued behind the old
 * limit and say nothing about the new one (as TCP halves its window once per round trip, not once per lost packet).
 * Without that rule a single slow spell, in which every checkout in flight settles late, would take the limit to its
 * floor.
 *
 * <p>Why an absolute target: what must not happen is an order's saga step waiting past its deadline (orders'
 * {@code step-timeout}, 10 s by default) and timing the order out into compensation. A latency-gradient algorithm
 * (Vegas, Gradient2) compares with the idle settle time (tens of milliseconds), so it would refuse checkouts long
 * before the store is saturated.
 */
final class SettleTimeLimit extends AbstractLimit {

    private final long targetNanos;
    private final double backoff;
    private final int minLimit;
    private final int maxLimit;
    /** When the limit last decreased, on the limiter's clock ({@link System#nanoTime}); guarded by {@code this}. */
    private long lastDecrease = Long.MIN_VALUE;

    SettleTimeLimit(int initialLimit, int minLimit, int maxLimit, Duration target, double backoff) {
        super(initialLimit);
        if (minLimit < 1 || maxLimit < minLimit || initialLimit < minLimit || initialLimit > maxLimit) {
            throw new IllegalArgumentException("limits must satisfy 1 <= min <= initial <= max, not min " + minLimit
                    + ", initial " + initialLimit + ", max " + maxLimit);
        }
        if (!(backoff > 0 && backoff < 1)) {
            throw new IllegalArgumentException("the backoff must be between 0 and 1 (exclusive), not " + backoff);
        }
        if (target.isNegative() || target.isZero()) {
            throw new IllegalArgumentException("the settle target must be positive, not " + target);
        }
        this.targetNanos = target.toNanos();
        this.backoff = backoff;
        this.minLimit = minLimit;
        this.maxLimit = maxLimit;
    }

    @Override
    protected int _update(long startTime, long rtt, int inflight, boolean didDrop) {
        int limit = getLimit();
        if (didDrop || rtt > targetNanos) {
            if (startTime > lastDecrease) {
                lastDecrease = startTime + rtt;
                return Math.max(minLimit, (int) (limit * backoff));
            }
            return limit;
        }
        return inflight * 2 >= limit ? Math.min(maxLimit, limit + 1) : limit;
    }

    @Override
    public String toString() {
        return "SettleTimeLimit[limit=" + getLimit() + ", target=" + Duration.ofNanos(targetNanos) + "]";
    }
}
