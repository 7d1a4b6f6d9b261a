package eventshop.eventsourcing.decider;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a {@link CommandHandler} pauses after its {@code n}-th conflict before it loads the stream
 * again: a ceiling that doubles from {@code initial} up to {@code max}, and a delay drawn uniformly
 * from the upper half of it ("equal jitter"). The lower half keeps a loser from reloading before the
 * winner's append is readable; the random half keeps the losers from colliding again in step.
 * Immutable and thread-safe.
 *
 * @param initial the ceiling after the first conflict; positive
 * @param max     the largest ceiling; at least {@code initial}
 */
public record ConflictBackoff(Duration initial, Duration max) {

    /** 2 ms doubling up to 50 ms: 30 attempts wait at most about 1.3 s in all. */
    public static final ConflictBackoff DEFAULT = new ConflictBackoff(Duration.ofMillis(2), Duration.ofMillis(50));

    public ConflictBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below the initial " + initial);
        }
    }

    /** The ceiling after {@code conflicts} conflicts (1 or more). */
    public Duration ceiling(int conflicts) {
        if (conflicts < 1) {
            throw new IllegalArgumentException("conflicts must be >= 1, was " + conflicts);
        }
        Duration ceiling = initial;
        for (int i = 1; i < conflicts && ceiling.compareTo(max) < 0; i++) {
            ceiling = ceiling.multipliedBy(2);
        }
        return ceiling.compareTo(max) > 0 ? max : ceiling;
    }

    /** The pause after {@code conflicts} conflicts: between half the ceiling and the ceiling. */
    public Duration delay(int conflicts, RandomGenerator random) {
        long ceiling = ceiling(conflicts).toNanos();
        long half = ceiling / 2;
        return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
    }
}
