package eventshop.eventstore;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;

/**
 * An ordered, durable log of events grouped into streams: the transaction log of one service.
 *
 * <ul>
 *   <li>Each stream numbers its events by version from 0 without gaps; an append checks the
 *       writer's {@link ExpectedVersion} once for the whole batch and stores all of it or none.</li>
 *   <li>Every event also gets a global position. Positions start at 0, grow by one per event
 *       (gapless) in commit order, and a reader never sees a position appear below one it has
 *       already been given.</li>
 *   <li>Appending an event id that the stream already holds, with the same content, is a no-op
 *       that answers like the original append, so retries are safe.</li>
 *   <li>When {@code append} returns, the events are durable as the engine's durability setting
 *       says, and visible to every read and subscription.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe: any number of threads may append, read and subscribe at
 * once. No method returns null. Bad arguments raise {@link InvalidRequest} before anything is stored.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Appends a batch of events to a stream, atomically.
     *
     * @return the stream's new version and the position of the batch's last event
     * @throws WrongExpectedVersion if the stream's version does not match {@code expected}
     * @throws DuplicateEventId     if an event id was already used in this stream for other content
     * @throws InvalidRequest       for a null, empty or oversized batch, or a bad stream id
     * @throws StorageUnavailable   if the storage failed under the append (a disk error or full disk, the
     *                              database unreachable): not acknowledged, safe to retry
     * @throws StoreClosedException if the store is closed
     */
    default AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        try {
            return appendAsync(streamId, expected, events).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                cause.addSuppressed(new EventStoreException("rethrown from append of stream '" + streamId + "'"));
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Starts an append without waiting for it: the future completes when {@link #append} would
     * have returned, or exceptionally with the same errors. Appends started one after another by
     * one thread are stored in that order. Invalid arguments fail before the future is returned.
     */
    CompletableFuture<AppendResult> appendAsync(String streamId, ExpectedVersion expected, List<EventData> events);

    /**
     * The events of one stream from {@code fromVersion} on, in version order: finite, lazy (read
     * from storage as requested) and empty for an unknown stream.
     */
    Flux<RecordedEvent> read(String streamId, long fromVersion);

    /**
     * Up to {@code limit} events of the whole log from {@code fromPosition} on, in position order;
     * finite and lazy.
     */
    Flux<RecordedEvent> readAll(long fromPosition, int limit);

    /**
     * Every event from {@code fromPosition} on, in position order, first those already stored
     * (catch-up) and then each new one as it is appended (live), without end. Honours
     * backpressure: a subscriber that requests slowly is served slowly and costs no buffered
     * memory beyond what it requested. Cancelling releases everything.
     */
    Flux<RecordedEvent> subscribe(long fromPosition);

    /** The current version of a stream, or -1 if it has no events. O(1). */
    long streamVersion(String streamId);

    /** The position of the last event in the log, or -1 if the log is empty. */
    long headPosition();

    /** Stores a snapshot of a stream, replacing any older one. */
    void saveSnapshot(Snapshot snapshot);

    /** The latest snapshot of a stream, if one was saved. */
    Optional<Snapshot> loadSnapshot(String streamId);

    /** Stops accepting appends, completes what is in flight, ends subscriptions and releases files. */
    @Override
    void close();
}
