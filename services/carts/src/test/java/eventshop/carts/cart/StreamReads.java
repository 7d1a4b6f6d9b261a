package eventshop.carts.cart;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;

/**
 * An event store that counts the reads of one stream (from any version: a fold, whole or on top of a
 * state the handler holds), and the events they delivered; delegates everything. For the tests that a
 * command folds its cart once.
 */
final class StreamReads implements EventStore {

    private final EventStore delegate;
    private final String streamId;
    private final AtomicInteger folds = new AtomicInteger();
    private final AtomicInteger eventsRead = new AtomicInteger();

    StreamReads(EventStore delegate, String streamId) {
        this.delegate = delegate;
        this.streamId = streamId;
    }

    /** How many times the stream was read since the last {@link #reset}. */
    int folds() {
        return folds.get();
    }

    /** How many of its events those reads delivered. */
    int eventsRead() {
        return eventsRead.get();
    }

    void reset() {
        folds.set(0);
        eventsRead.set(0);
    }

    @Override
    public Flux<RecordedEvent> read(String stream, long fromVersion) {
        Flux<RecordedEvent> events = delegate.read(stream, fromVersion);
        if (!streamId.equals(stream)) {
            return events;
        }
        return Flux.defer(() -> {
            folds.incrementAndGet();
            return events.doOnNext(event -> eventsRead.incrementAndGet());
        });
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected, List<EventData> events) {
        return delegate.appendAsync(stream, expected, events);
    }

    @Override
    public Flux<RecordedEvent> readAll(long fromPosition, int limit) {
        return delegate.readAll(fromPosition, limit);
    }

    @Override
    public Flux<RecordedEvent> subscribe(long fromPosition) {
        return delegate.subscribe(fromPosition);
    }

    @Override
    public long streamVersion(String stream) {
        return delegate.streamVersion(stream);
    }

    @Override
    public long headPosition() {
        return delegate.headPosition();
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        delegate.saveSnapshot(snapshot);
    }

    @Override
    public Optional<Snapshot> loadSnapshot(String stream) {
        return delegate.loadSnapshot(stream);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
