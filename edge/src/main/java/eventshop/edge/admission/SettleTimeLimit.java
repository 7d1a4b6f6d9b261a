package eventshop.edge.admission;

import com.netflix.concurrency.limits.limit.AbstractLimit;
import java.time.Duration;

/**
 * How many checkouts may be in flight (accepted, not yet settled), adjusted from how long they take to settle: additive
 * increase, multiplicative decrease, steered by an absolute target rather than a measured baseline.
 *
 * <ul>
 *   <li>A checkout that settled within {@code target} while the limit was at least half in use raises the limit by one
 *       (so a limit in use grows by about half of itself per settle time).
 *   <li>The checkouts are judged in windows of {@code max(5, limit / 2)} settlements: when more than a tenth of a window
 *       settled later than {@code target}, or timed out, or were given up, the limit is multiplied by {@code backoff}.
 *       A few slow checkouts in a window are the tail every saga has, not a queue; more than a tenth are (the
 *       window's 90th percentile is past the target).
 *   <li>After a decrease, the checkouts admitted before it are not judged again: they queued behind the old limit and
 *       say nothing about the new one (as TCP halves its window once per round trip, not once per lost packet).
 *       Without that rule a single slow spell, in which every checkout in flight settles late, would take the limit
 *       to its floor.
 * </ul>
 *
 * <p>Why an absolute target: what must not happen is an order's saga step waiting past its deadline (orders'
 * {@code step-timeout}, 10 s by default) and timing the order out into compensation. A latency-gradient algorithm
 * (Vegas, Gradient2) compares with the idle settle time (tens of milliseconds), so it would refuse checkouts long
 * before the store is saturated.
 */
final class SettleTimeLimit extends AbstractLimit {

    /** The least number of settlements a window judges. */
    static final int MIN_WINDOW = 5;

    private final long targetNanos;
    private final double backoff;
    private final int minLimit;
    private final int maxLimit;
    // guarded by this (AbstractLimit#onSample is synchronized)
    /** When the limit last decreased, on the limiter's clock ({@link System#nanoTime}). */
    private long lastDecrease = Long.MIN_VALUE;
    private int judged;
    private int late;

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
        if (startTime <= lastDecrease) {
            return limit; // admitted under the old limit
        }
        boolean isLate = didDrop || rtt > targetNanos;
        judged++;
        if (isLate) {
            late++;
        }
        if (judged >= Math.max(MIN_WINDOW, limit / 2)) {
            boolean slow = late * 10 > judged;
            judged = 0;
            late = 0;
            if (slow) {
                lastDecrease = startTime + rtt;
                return Math.max(minLimit, (int) (limit * backoff));
            }
        }
        return !isLate && inflight * 2 >= limit ? Math.min(maxLimit, limit + 1) : limit;
    }

    @Override
    public String toString() {
        return "SettleTimeLimit[limit=" + getLimit() + ", target=" + Duration.ofNanos(targetNanos) + "]";
    }
}
