package eventshop.benchmarks;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The append workloads. Each runs a warm-up and then a fixed measured window; an append counts
 * (and its latency is recorded) when it completes inside the window, so throughput is completions
 * per second of the window.
 */
final class Appends {

    /** Streams each writer cycles over. */
    static final int STREAMS_PER_WRITER = 100;
    /** Streams the pipelined writer cycles over. */
    static final int PIPELINED_STREAMS = 1_000;

    /**
     * @param events     appends (one event each) completed in the measured window
     * @param seconds    length of the measured window
     * @param latency    append latency in nanoseconds, from call to acknowledgement
     * @param totalCount appends completed in warm-up and window together
     */
    record Outcome(long events, double seconds, Histogram latency, long totalCount) {
        double perSecond() {
            return events / seconds;
        }
    }

    private Appends() {
    }

    /**
     * {@code writers} virtual threads, each appending one 256-byte event per synchronous
     * {@code append} to its own {@value #STREAMS_PER_WRITER} streams in turn (expected version
     * any), waiting for its acknowledgement before the next.
     */
    static Outcome closedLoop(EventStore store, int writers, Duration warmup, Duration measure) throws Exception {
        long start = System.nanoTime();
        long measureStart = start + warmup.toNanos();
        long measureEnd = measureStart + measure.toNanos();
        Histogram[] latencies = new Histogram[writers];
        long[] counts = new long[writers];
        LongAdder progress = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread.ofVirtual().name("writer-" + w).start(() -> {
                Histogram latency = new Histogram(3);
                long count = 0;
                try {
                    String[] streams = Events.streams("w" + writer, STREAMS_PER_WRITER);
                    byte[] data = Events.data(Events.DATA_BYTES);
                    Events.Ids ids = new Events.Ids();
                    for (int i = 0; failure.get() == null; i++) {
                        long t0 = System.nanoTime();
                        if (t0 >= measureEnd) {
                            break;
                        }
                        store.append(streams[i % streams.length], ExpectedVersion.any(), Events.one(ids, data));
                        long t1 = System.nanoTime();
                        progress.increment();
                        if (t1 >= measureStart && t1 < measureEnd) {
                            latency.recordValue(t1 - t0);
                            count++;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    latencies[writer] = latency;
                    counts[writer] = count;
                    done.countDown();
                }
            });
        }
        Watchdog.await(writers + " writers", () -> done.getCount() == 0, progress::sum);
        if (failure.get() != null) {
            throw new IllegalStateException("an append failed: " + failure.get(), failure.get());
        }
        Histogram all = new Histogram(3);
        long events = 0;
        for (int w = 0; w < writers; w++) {
            all.add(latencies[w]);
            events += counts[w];
        }
        return new Outcome(events, measure.toNanos() / 1e9, all, progress.sum());
    }

    /**
     * One writer thread issuing {@code appendAsync} (one 256-byte event each, to
     * {@value #PIPELINED_STREAMS} streams in turn) without waiting, with at most {@code inFlight}
     * appends unacknowledged.
     */
    static Outcome pipelined(EventStore store, int inFlight, Duration warmup, Duration measure) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        Recorder recorder = new Recorder(3);
        LongAdder completed = new LongAdder();
        LongAdder inWindow = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        String[] streams = Events.streams("pipelined", PIPELINED_STREAMS);
        byte[] data = Events.data(Events.DATA_BYTES);
        Events.Ids ids = new Events.Ids();
        long start = System.nanoTime();
        long measureStart = start + warmup.toNanos();
        long measureEnd = measureStart + measure.toNanos();
        boolean windowOpen = false;
        long lastProgress = 0;
        long lastChange = start;
        for (int i = 0; failure.get() == null; i++) {
            long t0 = System.nanoTime();
            if (t0 >= measureEnd) {
                break;
            }
            if (!windowOpen && t0 >= measureStart) {
                recorder.reset(); // drop warm-up latencies
                windowOpen = true;
            }
            while (!permits.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                long now = completed.sum();
                if (now != lastProgress) {
                    lastProgress = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > Watchdog.STALL.toNanos()) {
                    throw new Watchdog.Hang("pipelined appends (" + inFlight + " in flight)",
                            Watchdog.dump("pipelined"));
                }
            }
            long issued = System.nanoTime();
            CompletableFuture<AppendResult> future;
            try {
                future = store.appendAsync(streams[i % streams.length], ExpectedVersion.any(), Events.one(ids, data));
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            }
            future.whenComplete((result, error) -> {
                long t1 = System.nanoTime();
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else if (t1 >= measureStart && t1 < measureEnd) {
                    recorder.recordValue(t1 - issued);
                    inWindow.increment();
                }
                completed.increment();
                permits.release();
            });
        }
        Watchdog.await("draining pipelined appends", () -> permits.availablePermits() == inFlight, completed::sum);
        if (failure.get() != null) {
            throw new IllegalStateException("an append failed: " + failure.get(), failure.get());
        }
        return new Outcome(inWindow.sum(), measure.toNanos() / 1e9, recorder.getIntervalHistogram(), completed.sum());
    }

    /**
     * Fills a store for the read and open cases: {@code events} one-event appends spread round-robin
     * over {@code streams} streams (so every stream's events are interleaved across the whole log),
     * pipelined with up to {@code inFlight} outstanding.
     */
    static long fill(EventStore store, int events, int streams, int inFlight) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        LongAdder completed = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        String[] ids = Events.streams("read", streams);
        byte[] data = Events.data(Events.DATA_BYTES);
        Events.Ids eventIds = new Events.Ids();
        long start = System.nanoTime();
        for (int i = 0; i < events && failure.get() == null; i++) {
            while (!permits.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS)) {
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new Watchdog.Hang("filling the read store", Watchdog.dump("fill"));
                }
            }
            store.appendAsync(ids[i % streams], ExpectedVersion.any(), Events.one(eventIds, data))
                    .whenComplete((result, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        completed.increment();
                        permits.release();
                    });
        }
        Watchdog.await("filling the read store", () -> permits.availablePermits() == inFlight, completed::sum);
        if (failure.get() != null) {
            throw new IllegalStateException("an append failed while filling: " + failure.get(), failure.get());
        }
        return System.nanoTime() - start;
    }
}
