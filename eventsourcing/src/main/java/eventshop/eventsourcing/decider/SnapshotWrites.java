package eventshop.eventsourcing.decider;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.Snapshot;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a handler's snapshots ({@value #EVENT_ID_BYTES} bytes of the id of the event at the snapshot's version,
 * then the state serialized), off the command's path when its executor is asynchronous: a command only
 * hands over its stream's new state, which is serialized and saved later. Requests for one stream that pile
 * up while a save is pending are folded into the latest (only the newest snapshot of a stream is worth
 * writing), and at most {@value #MAX_PENDING} streams wait; beyond that a request is dropped (the next one
 * of that stream writes it, or a load folds a few more events). A failed save (a full disk, a closed store, a
 * state too big for a snapshot) is logged and counted, never thrown: a snapshot only makes loads faster.
 * Thread-safe.
 */
final class SnapshotWrites<S> {

    /** The snapshot's data starts with the id of the event at its version (most, then least significant bits). */
    static final int EVENT_ID_BYTES = 16;

    /** The most streams whose snapshots wait to be written. */
    static final int MAX_PENDING = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWrites.class);

    private record Pending<S>(long version, java.util.UUID eventId, S state) {
    }

    private final EventStore store;
    private final String type;
    private final Function<S, byte[]> serialize;
    private final Executor executor;
    private final Counter written;
    private final Counter failed;
    private final Map<String, Pending<S>> pending = new ConcurrentHashMap<>();

    SnapshotWrites(EventStore store, String type, Function<S, byte[]> serialize, Executor executor, Counter written,
                   Counter failed) {
        this.store = store;
        this.type = type;
        this.serialize = serialize;
        this.executor = executor;
        this.written = written;
        this.failed = failed;
    }

    /**
     * Asks for {@code state}, the fold of {@code streamId} up to {@code version}, whose event there is
     * {@code eventId}, to be stored.
     */
    void request(String streamId, long version, java.util.UUID eventId, S state) {
        if (pending.size() >= MAX_PENDING && !pending.containsKey(streamId)) {
            failed.increment();
            LOG.warn("snapshot of {} at version {} dropped: {} snapshots wait to be written", streamId, version,
                    MAX_PENDING);
            return;
        }
        Pending<S> offered = new Pending<>(version, eventId, state);
        boolean[] waiting = {false};
        pending.compute(streamId, (id, held) -> {
            waiting[0] = held != null;
            return held == null || offered.version() >= held.version() ? offered : held;
        });
        if (!waiting[0]) {
            // nothing of this stream was waiting, so no write of it is scheduled: schedule one
            schedule(streamId);
        }
    }

    private void schedule(String streamId) {
        try {
            executor.execute(() -> write(streamId));
        } catch (RejectedExecutionException e) {
            pending.remove(streamId);
            failed.increment();
            LOG.warn("snapshot of {} not written: {}", streamId, e.toString());
        }
    }

    private void write(String streamId) {
        Pending<S> next = pending.remove(streamId);
        if (next == null) {
            return;     // written by an earlier scheduled write
        }
        try {
            byte[] state = serialize.apply(next.state());
            java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(EVENT_ID_BYTES + state.length)
                    .putLong(next.eventId().getMostSignificantBits()).putLong(next.eventId().getLeastSignificantBits())
                    .put(state);
            store.saveSnapshot(new Snapshot(streamId, next.version(), type, data.array()));
            written.increment();
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("snapshot of {} at version {} not written (loads fold from the previous one): {}", streamId,
                    next.version(), e.toString());
        }
    }
}
