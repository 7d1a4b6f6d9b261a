package eventshop.eventstore.memory;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.EventStoreException;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.Snapshot;
import eventshop.eventstore.StoreClosedException;
import eventshop.eventstore.engine.AppendCheck;
import eventshop.eventstore.engine.CatchUpSubscription;
import eventshop.eventstore.engine.LogSource;
import eventshop.eventstore.engine.StreamView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import reactor.core.publisher.Flux;

/**
 * The reference engine: everything in memory, one lock around appends. It is the model the other
 * engines are compared with in the contract suite, and a fast store for tests. Nothing survives
 * {@link #close()}.
 *
 * <p>Thread-safe: appends are serialized by the instance lock; reads see a consistent prefix.
 */
public final class InMemoryEventStore implements EventStore, LogSource {

    private final List<RecordedEvent> log = new ArrayList<>();
    private final Map<String, Stream> streams = new HashMap<>();
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final ExecutorService subscriptionExecutor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("memory-store-subscription-", 0).factory());
    private final CatchUpSubscription subscriptions = new CatchUpSubscription(this, subscriptionExecutor);
    private volatile long head = -1;
    private volatile boolean closed;

    private static final class Stream implements StreamView {
        final List<RecordedEvent> events = new ArrayList<>();
        final Map<UUID, Long> versionsById = new HashMap<>();
        final java.util.BitSet batchEnds = new java.util.BitSet();

        @Override
        public long version() {
            return events.size() - 1;
        }

        @Override
        public long versionOf(UUID eventId) {
            return versionsById.getOrDefault(eventId, -1L);
        }

        @Override
        public RecordedEvent eventAt(long version) {
            return events.get((int) version);
        }

        @Override
        public boolean endsBatch(long version) {
            return batchEnds.get((int) version);
        }
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected,
                                                       List<EventData> events) {
        Limits.checkAppend(streamId, expected, events);
        try {
            return CompletableFuture.completedFuture(appendNow(streamId, expected, List.copyOf(events)));
        } catch (EventStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private AppendResult appendNow(String streamId, ExpectedVersion expected, List<EventData> events) {
        AppendResult result;
        synchronized (this) {
            ensureOpen();
            Stream stream = streams.computeIfAbsent(streamId, id -> new Stream());
            AppendResult retried = AppendCheck.check(streamId, expected, events, stream);
            if (retried != null) {
                return retried;
            }
            long version = stream.version();
            long position = log.size() - 1;
            for (EventData event : events) {
                RecordedEvent recorded = new RecordedEvent(event.eventId(), streamId, ++version, ++position,
                        event.type(), event.data().clone(), event.metadata());
                stream.events.add(recorded);
                stream.versionsById.put(event.eventId(), version);
                log.add(recorded);
            }
            stream.batchEnds.set((int) version);
            head = position;
            result = new AppendResult(version, position);
        }
        subscriptions.headAdvanced();
        return result;
    }

    @Override
    public Flux<RecordedEvent> read(String streamId, long fromVersion) {
        Limits.checkStreamId(streamId);
        Limits.checkVersion(fromVersion);
        return Flux.defer(() -> {
            List<RecordedEvent> events;
            synchronized (this) {
                Stream stream = streams.get(streamId);
                events = stream == null || fromVersion > stream.version() ? List.of()
                        : List.copyOf(stream.events.subList((int) fromVersion, stream.events.size()));
            }
            return Flux.fromIterable(events);
        });
    }

    @Override
    public Flux<RecordedEvent> readAll(long fromPosition, int limit) {
        Limits.checkReadAll(fromPosition, limit);
        return Flux.defer(() -> Flux.fromIterable(readBatch(fromPosition, limit)));
    }

    @Override
    public Flux<RecordedEvent> subscribe(long fromPosition) {
        Limits.checkPosition(fromPosition);
        return subscriptions.subscribe(fromPosition);
    }

    @Override
    public synchronized List<RecordedEvent> readBatch(long fromPosition, int max) {
        if (fromPosition >= log.size()) {
            return List.of();
        }
        int to = (int) Math.min(log.size(), fromPosition + max);
        return List.copyOf(log.subList((int) fromPosition, to));
    }

    @Override
    public long visibleHead() {
        return head;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized long streamVersion(String streamId) {
        Limits.checkStreamId(streamId);
        Stream stream = streams.get(streamId);
        return stream == null ? ExpectedVersion.NO_STREAM_VERSION : stream.version();
    }

    @Override
    public long headPosition() {
        return head;
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        ensureOpen();
        Limits.checkSnapshot(snapshot, this::streamVersion);
        snapshots.merge(snapshot.streamId(), snapshot, (old, now) -> now.version() >= old.version() ? now : old);
    }

    @Override
    public Optional<Snapshot> loadSnapshot(String streamId) {
        Limits.checkStreamId(streamId);
        ensureOpen();
        return Optional.ofNullable(snapshots.get(streamId));
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("the in-memory event store is closed");
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        subscriptions.headAdvanced();
        subscriptionExecutor.shutdown();
    }
}
