package eventshop.eventstore.tck;

import eventshop.eventstore.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;

/**
 * Records what a subscription delivers and checks, on every event, that the publisher never
 * delivers more than was requested of it.
 *
 * <p>Demand is tracked here, before each {@code request}, so an event that arrives beyond it is
 * counted in {@link #overDelivered()} whichever thread delivers it.
 */
final class RecordingSubscriber extends BaseSubscriber<RecordedEvent> {

    private final long initialRequest;
    private final long requestOneMoreUpTo;
    private final List<RecordedEvent> received = new ArrayList<>();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong overDelivered = new AtomicLong();
    private volatile boolean completed;
    private volatile Throwable error;
    private volatile Subscription subscription;

    private RecordingSubscriber(long initialRequest, long requestOneMoreUpTo) {
        this.initialRequest = initialRequest;
        this.requestOneMoreUpTo = requestOneMoreUpTo;
    }

    /** Requests everything up front. */
    static RecordingSubscriber unbounded() {
        return new RecordingSubscriber(Long.MAX_VALUE, 0);
    }

    /** Requests {@code n} at subscription and then only what the test asks for. */
    static RecordingSubscriber requesting(long n) {
        return new RecordingSubscriber(n, 0);
    }

    /** Requests one event, and one more each time one arrives, until {@code total} were requested. */
    static RecordingSubscriber oneAtATime(long total) {
        return new RecordingSubscriber(1, total);
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        this.subscription = subscription;
        if (initialRequest > 0) {
            requestMore(initialRequest);
        }
    }

    /** Adds {@code n} to the demand. */
    void requestMore(long n) {
        requested.accumulateAndGet(n, (current, more) -> {
            long sum = current + more;
            return sum < 0 ? Long.MAX_VALUE : sum;
        });
        request(n);
    }

    @Override
    protected void hookOnNext(RecordedEvent event) {
        int count;
        synchronized (received) {
            received.add(event);
            count = received.size();
        }
        if (count > requested.get()) {
            overDelivered.incrementAndGet();
        }
        if (requestOneMoreUpTo > 0 && requested.get() < requestOneMoreUpTo) {
            requestMore(1);
        }
    }

    @Override
    protected void hookOnComplete() {
        completed = true;
    }

    @Override
    protected void hookOnError(Throwable throwable) {
        error = throwable;
    }

    int count() {
        synchronized (received) {
            return received.size();
        }
    }

    List<RecordedEvent> events() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<Long> positions() {
        return events().stream().map(RecordedEvent::position).toList();
    }

    long requested() {
        return requested.get();
    }

    /** How many events arrived while the subscriber had no outstanding demand. */
    long overDelivered() {
        return overDelivered.get();
    }

    boolean completed() {
        return completed;
    }

    Throwable error() {
        return error;
    }

    /** Whether the subscription ended, normally or with an error. */
    boolean terminated() {
        return completed || error != null;
    }

    /**
     * How many events the publisher holds buffered for this subscriber, as far as Reactor's
     * introspection can tell (0 when the publisher does not say).
     */
    int bufferedByPublisher() {
        Subscription current = subscription;
        if (current == null) {
            return 0;
        }
        Integer buffered = Scannable.from(current).scan(Scannable.Attr.BUFFERED);
        return buffered == null ? 0 : buffered;
    }
}
