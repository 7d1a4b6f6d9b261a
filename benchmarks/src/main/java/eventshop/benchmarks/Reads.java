package eventshop.benchmarks;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;

/**
 * The read workloads over a filled store, each on one thread: every stream read whole, the log
 * read whole in chunks, and a catch-up subscription over the log. A workload repeats whole passes
 * through a warm-up and then a measured phase; the rate is events of the measured passes divided
 * by their time (the last pass finishes even if it runs past the phase). Every pass also checks
 * what it read, so a fast wrong answer does not count.
 */
final class Reads {

    /** Events per {@code readAll} call in the chunked full read. */
    static final int CHUNK = 10_000;

    /**
     * @param events events read in the measured passes
     * @param nanos  time of the measured passes
     * @param passes measured passes
     */
    record Outcome(long events, long nanos, int passes) {
        double perSecond() {
            return events / (nanos / 1e9);
        }
    }

    @FunctionalInterface
    interface Pass {
        /** One whole pass; returns the events read. */
        long run() throws Exception;
    }

    private Reads() {
    }

    static Outcome repeat(Pass pass, Duration warmup, Duration measure) throws Exception {
        long warmEnd = System.nanoTime() + warmup.toNanos();
        do {
            pass.run();
        } while (System.nanoTime() < warmEnd);
        long start = System.nanoTime();
        long end = start + measure.toNanos();
        long events = 0;
        int passes = 0;
        do {
            events += pass.run();
            passes++;
        } while (System.nanoTime() < end);
        return new Outcome(events, System.nanoTime() - start, passes);
    }

    /** Streams read per pass of {@link #streamsPass}, so a pass stays short however slow stream reads are. */
    static final int STREAMS_PER_PASS = 500;

    /**
     * Reads the next {@value #STREAMS_PER_PASS} streams (cycling through {@code streams} with
     * {@code cursor}) from version 0; each must hold exactly {@code perStream} gapless events.
     */
    static long streamsPass(EventStore store, String[] streams, long perStream, int[] cursor) {
        long total = 0;
        long[] state = new long[2]; // next expected version, data bytes seen
        for (int n = 0; n < Math.min(STREAMS_PER_PASS, streams.length); n++) {
            String stream = streams[cursor[0]];
            cursor[0] = (cursor[0] + 1) % streams.length;
            state[0] = 0;
            store.read(stream, 0).doOnNext(event -> {
                if (event.version() != state[0]) {
                    throw new IllegalStateException("read(" + stream + ", 0) gave version " + event.version()
                            + " where " + state[0] + " was due");
                }
                state[0]++;
                state[1] += event.data().length;
            }).blockLast(Duration.ofMinutes(2));
            if (state[0] != perStream) {
                throw new IllegalStateException("read(" + stream + ", 0) gave " + state[0] + " events, expected "
                        + perStream);
            }
            total += state[0];
        }
        return total;
    }

    /** Reads the log from position 0 to {@code head} with {@code readAll} in chunks of {@value #CHUNK}. */
    static long readAllPass(EventStore store, long head) {
        AtomicLong next = new AtomicLong();
        while (next.get() <= head) {
            long from = next.get();
            store.readAll(from, CHUNK).doOnNext(event -> checkPosition(event, next)).blockLast(Duration.ofMinutes(2));
            if (next.get() == from) {
                throw new IllegalStateException("readAll(" + from + ", " + CHUNK + ") was empty below head " + head);
            }
        }
        if (next.get() != head + 1) {
            throw new IllegalStateException("readAll passes ended at " + next.get() + ", head is " + head);
        }
        return head + 1;
    }

    /** {@code subscribe(0).take(head + 1)}: the catch-up part of a subscription, to the head. */
    static long subscribePass(EventStore store, long head) {
        AtomicLong next = new AtomicLong();
        Flux<RecordedEvent> events = store.subscribe(0).take(head + 1);
        events.doOnNext(event -> checkPosition(event, next)).blockLast(Duration.ofMinutes(2));
        if (next.get() != head + 1) {
            throw new IllegalStateException("subscribe(0).take(" + (head + 1) + ") gave " + next.get() + " events");
        }
        return head + 1;
    }

    private static void checkPosition(RecordedEvent event, AtomicLong next) {
        long expected = next.getAndIncrement();
        if (event.position() != expected) {
            throw new IllegalStateException("got position " + event.position() + " where " + expected + " was due");
        }
    }
}
