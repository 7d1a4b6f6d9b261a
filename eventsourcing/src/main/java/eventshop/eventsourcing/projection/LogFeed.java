package eventshop.eventsourcing.projection;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * A subscription to the log that a runner thread drains in batches: it never holds more than
 * {@code capacity} events (it requests only what was taken), and {@link #next} blocks until at
 * least one event arrives, or the feed is woken, or the wait runs out.
 *
 * <p>The store emits on its own threads; one runner thread calls {@link #next}; {@link #wake} and
 * {@link #close} may be called from any thread.
 */
final class LogFeed extends BaseSubscriber<RecordedEvent> {

    /** Put in the queue to wake the consumer; never handed out. */
    private static final RecordedEvent WAKE = new RecordedEvent(new UUID(0, 0), "-", -1, -1, "-", new byte[0],
            Metadata.EMPTY);

    private final EventStore store;
    private final long from;
    private final int capacity;
    private final LinkedBlockingQueue<RecordedEvent> queue = new LinkedBlockingQueue<>();
    private volatile Throwable failure;
    private volatile boolean completed;

    LogFeed(EventStore store, long from, int capacity) {
        this.store = store;
        this.from = from;
        this.capacity = capacity;
    }

    LogFeed open() {
        store.subscribe(from).subscribe(this);
        return this;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        subscription.request(capacity);
    }

    @Override
    protected void hookOnNext(RecordedEvent event) {
        queue.add(event);
    }

    @Override
    protected void hookOnError(Throwable error) {
        failure = error;
        queue.add(WAKE);
    }

    @Override
    protected void hookOnComplete() {
        completed = true;
        queue.add(WAKE);
    }

    /**
     * Up to {@code max} consecutive events: waits at most {@code maxWait} for the first, then takes
     * what is already there. Empty when woken or when nothing arrived in time.
     *
     * @throws IllegalStateException carrying the subscription's error, or if the log ended (store closed)
     */
    List<RecordedEvent> next(int max, Duration maxWait) throws InterruptedException {
        RecordedEvent first = queue.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        List<RecordedEvent> batch = new ArrayList<>(Math.min(max, capacity));
        if (first != null && first != WAKE) {
            batch.add(first);
        }
        while (batch.size() < max) {
            RecordedEvent event = queue.poll();
            if (event == null) {
                break;
            }
            if (event != WAKE) {
                batch.add(event);
            }
        }
        if (batch.isEmpty()) {
            if (failure != null) {
                throw new IllegalStateException("the log subscription failed: " + failure, failure);
            }
            if (completed) {
                throw new IllegalStateException("the log subscription ended (the event store closed)");
            }
            return batch;
        }
        request(batch.size());
        return batch;
    }

    /** Makes a waiting {@link #next} return at once. */
    void wake() {
        queue.add(WAKE);
    }

    void close() {
        dispose();
    }
}
