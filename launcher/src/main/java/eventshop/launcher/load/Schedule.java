package eventshop.launcher.load;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The open-loop schedule of a load run: slot {@code i} is due at {@code origin + i / rate}, fixed when
 * the run begins, whatever happened to the slots before it (a slow checkout never pushes the next one
 * back, which would hide the store's slowness: coordinated omission). {@link #run} hands each slot to
 * a starter when it is due, from one thread; the starter starts the checkout on its own thread and
 * reports the moment its first request goes out with {@link #started}. A start more than the tolerance
 * after its slot is counted as late; every start's lateness goes into a histogram. Thread-safe.
 */
public final class Schedule {

    /** Time as the schedule sees it: {@link #SYSTEM}, or a fake one in tests. */
    public interface Clock {

        long nanoTime();

        /** Returns at {@code deadline} (of {@link #nanoTime()}) or later; at once if it has passed. */
        void parkUntil(long deadline) throws InterruptedException;
    }

    /** {@link System#nanoTime()}, parking the thread. */
    public static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void parkUntil(long deadline) throws InterruptedException {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    };

    /** Slot {@code index}, due at {@code due} ({@link Clock#nanoTime()}). */
    public record Slot(int index, long due) {
    }

    /** Starts the checkout of a slot; must not block (it hands the work to another thread). */
    @FunctionalInterface
    public interface Starter {
        void start(Slot slot);
    }

    private final Clock clock;
    private final double rate;
    private final int slots;
    private final long toleranceNanos;
    private final Histogram lateness = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private long origin;
    private int late;
    private int started;

    /**
     * @param rate      slots per second
     * @param slots     how many
     * @param tolerance how late a start may be without counting as late
     */
    public Schedule(Clock clock, double rate, int slots, Duration tolerance) {
        if (!(rate > 0) || slots < 0 || tolerance.isNegative()) {
            throw new IllegalArgumentException("rate > 0, slots >= 0, tolerance >= 0 wanted: " + rate + ", " + slots
                    + ", " + tolerance);
        }
        this.clock = clock;
        this.rate = rate;
        this.slots = slots;
        this.toleranceNanos = tolerance.toNanos();
    }

    /** Hands every slot to {@code starter} when it is due; returns after the last one. */
    public void run(Starter starter) throws InterruptedException {
        long begin = clock.nanoTime();
        synchronized (this) {
            origin = begin;
        }
        for (int i = 0; i < slots; i++) {
            long due = begin + Math.round(i * 1e9 / rate);
            clock.parkUntil(due);
            starter.start(new Slot(i, due));
        }
    }

    /** The slot's checkout sent its first request at {@code at} ({@link Clock#nanoTime()}). */
    public synchronized void started(Slot slot, long at) {
        long lateNanos = Math.max(0, at - slot.due());
        lateness.recordValue(Math.min(lateness.getHighestTrackableValue(), lateNanos / 1000));
        started++;
        if (lateNanos > toleranceNanos) {
            late++;
        }
    }

    /** When the schedule began ({@link Clock#nanoTime()}); 0 before {@link #run}. */
    public synchronized long origin() {
        return origin;
    }

    public int slots() {
        return slots;
    }

    public synchronized int startedCount() {
        return started;
    }

    /** Starts later than the tolerance. */
    public synchronized int late() {
        return late;
    }

    /** A copy of the lateness of every start, in microseconds. */
    public synchronized Histogram lateness() {
        return lateness.copy();
    }
}
