package eventshop.eventsourcing.ops;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;

/**
 * An event store that records append latency ({@code eventstore.append} timer with percentiles),
 * events appended ({@code eventstore.events.appended}), conflicts ({@code eventstore.append.conflicts})
 * and the log head ({@code eventstore.head.position}). Delegates everything else.
 */
public final class MeteredEventStore implements EventStore {

    private final EventStore delegate;
    private final Timer appendLatency;
    private final Counter appended;
    private final Counter conflicts;

    public MeteredEventStore(EventStore delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.appendLatency = Timer.builder("eventstore.append").description("time from append to acknowledgement")
                .publishPercentileHistogram().register(registry);
        this.appended = Counter.builder("eventstore.events.appended").register(registry);
        this.conflicts = Counter.builder("eventstore.append.conflicts")
                .description("appends refused with WrongExpectedVersion").register(registry);
        registry.gauge("eventstore.head.position", delegate, EventStore::headPosition);
    }

    /** The store this one measures. */
    public EventStore delegate() {
        return delegate;
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                       List<EventData> events) {
        long start = System.nanoTime();
        return delegate.appendAsync(streamId, expected, events).whenComplete((result, error) -> {
            if (error == null) {
                appendLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                appended.increment(events.size());
            } else if (error instanceof eventshop.eventstore.WrongExpectedVersion
                    || error.getCause() instanceof eventshop.eventstore.WrongExpectedVersion) {
                conflicts.increment();
            }
        });
    }

    @Override
    public Flux<RecordedEvent> read(String streamId, long fromVersion) {
        return delegate.read(streamId, fromVersion);
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
    public long streamVersion(String streamId) {
        return delegate.streamVersion(streamId);
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
    public Optional<Snapshot> loadSnapshot(String streamId) {
        return delegate.loadSnapshot(streamId);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
