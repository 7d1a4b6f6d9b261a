package eventshop.eventsourcing.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A clock tests move by hand; it starts at the real time and only goes forward. Stopped (the default: it moves only
 * when advanced), or {@linkplain #followingRealTime() following the real time} with what it was advanced by added,
 * for a context many tests share in which other things must see time pass. Thread-safe.
 */
public final class TestClock extends Clock {

    private final @Nullable Instant stoppedAt;
    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    public TestClock() {
        this(Instant.now());
    }

    private TestClock(@Nullable Instant stoppedAt) {
        this.stoppedAt = stoppedAt;
    }

    /** A clock that runs with the real time, plus whatever it is advanced by. */
    public static TestClock followingRealTime() {
        return new TestClock(null);
    }

    public void advance(Duration duration) {
        ahead.updateAndGet(sum -> sum.plus(duration));
    }

    @Override
    public Instant instant() {
        return (stoppedAt != null ? stoppedAt : Instant.now()).plus(ahead.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
