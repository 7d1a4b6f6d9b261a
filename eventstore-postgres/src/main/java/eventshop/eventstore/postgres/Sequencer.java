package eventshop.eventstore.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The store's sequencing thread: gives positions to committed appends and tells their writers.
 *
 * <p>Writers commit their rows (position NULL) and then {@link #await} their batch. This thread
 * calls the schema's {@code sequence_events()} function on a connection of its own, in autocommit
 * mode, whenever a writer has asked or the poll interval has passed: one call positions every row
 * committed before it, whichever writer (or process) wrote it, so many writers share one
 * sequencing transaction. Each call also reports the committed head, which becomes the store's
 * visible head before any writer is answered.
 *
 * <p>Writers are matched by batch id against what the call returned, against what recent calls
 * returned, or else (for a batch that another process's sequencer positioned, or a retried append
 * waiting for its original) by looking up the position of their last row.
 */
final class Sequencer implements Runnable {

    private static final System.Logger LOG = System.getLogger(Sequencer.class.getName());
    private static final int RECENT = 8192;

    /** A writer waiting for the position of its batch's last event. */
    static final class Pending {
        final long batchId;          // -1 when unknown (a retry waiting for the original append)
        final String storedStreamId; // as stored (escaped)
        final long lastVersion;
        final CompletableFuture<Long> position = new CompletableFuture<>();

        Pending(long batchId, String storedStreamId, long lastVersion) {
            this.batchId = batchId;
            this.storedStreamId = storedStreamId;
            this.lastVersion = lastVersion;
        }
    }

    /** What the sequencer reports to its store. */
    interface Listener {
        /** The committed head is at least {@code head}. */
        void headAt(long head);

        /** A poll interval passed: wake subscriptions in case a notification was missed. */
        void tick();
    }

    private final Sql sql;
    private final long pollNanos;
    private final Listener listener;
    private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
    private final List<Pending> waiting = new ArrayList<>();
    private final LinkedHashMap<Long, Long> recent = new LinkedHashMap<>(RECENT * 2) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > RECENT;
        }
    };
    private final ConcurrentLinkedQueue<Map<Long, Long>> elsewhere = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ConcurrentHashMap<Long, Pending> byBatch = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean stopping;
    private final HeldConnection connection;
    private long runs;

    Sequencer(DataSource dataSource, Sql sql, long pollNanos, Listener listener, String name) {
        this.connection = new HeldConnection(dataSource, true, "sequencer");
        this.sql = sql;
        this.pollNanos = pollNanos;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
    }

    /** Runs one sequencing call on the calling thread (before {@link #start()}): the head at open. */
    long sequenceOnce() throws SQLException {
        return callSequencer(new HashMap<>());
    }

    void start() {
        thread.start();
    }

    /** Queues a committed batch; the returned future completes with the position of its last event. */
    CompletableFuture<Long> await(Pending pending) {
        if (pending.batchId >= 0) {
            byBatch.put(pending.batchId, pending);
        }
        incoming.add(pending);
        signal();
        return pending.position;
    }

    /**
     * Tells the sequencer about batches an append positioned in its own transaction (now
     * committed), so that writers waiting for them are answered without a look-up.
     */
    void positionedElsewhere(Map<Long, Long> lastPositions) {
        lastPositions.forEach((batchId, position) -> {
            Pending pending = batchId < 0 ? null : byBatch.remove(batchId);
            if (pending != null) {
                pending.position.complete(position);
            }
        });
        elsewhere.add(lastPositions);
        signal();
    }

    /** Whether writers are waiting for a sequencing call. */
    boolean busy() {
        return !byBatch.isEmpty() || !incoming.isEmpty();
    }

    /** Asks for a sequencing call soon. */
    void signal() {
        if (!signalled.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops after the current call; writers still waiting get {@code failure}. */
    void stop(RuntimeException failure) throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        Pending pending;
        while ((pending = incoming.poll()) != null) {
            waiting.add(pending);
        }
        for (Pending left : waiting) {
            left.position.completeExceptionally(failure);
        }
        waiting.clear();
        byBatch.clear();
        connection.close();
    }

    long runs() {
        return runs;
    }

    @Override
    public void run() {
        long lastTick = System.nanoTime();
        int failures = 0;
        while (!stopping) {
            if (!signalled.getAndSet(false)) {
                LockSupport.parkNanos(this, pollNanos);
                signalled.set(false);
            }
            if (stopping) {
                break;
            }
            Pending pending;
            while ((pending = incoming.poll()) != null) {
                waiting.add(pending);
            }
            try {
                sequenceAndAnswer();
                failures = 0;
            } catch (SQLException | RuntimeException e) {
                failures++;
                LOG.log(failures == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                        "sequencing failed (attempt " + failures + "); retrying", e);
                connection.close();
                LockSupport.parkNanos(this, Math.min(pollNanos, TimeUnit.MILLISECONDS.toNanos(10L << Math.min(failures, 6))));
                signalled.set(true);
            }
            long now = System.nanoTime();
            if (now - lastTick >= pollNanos) {
                lastTick = now;
                listener.tick();
            }
        }
    }

    private void sequenceAndAnswer() throws SQLException {
        Map<Long, Long> known;
        while ((known = elsewhere.poll()) != null) {
            recent.putAll(known);
        }
        waiting.removeIf(pending -> pending.position.isDone());
        if (!waiting.isEmpty()) {
            answerFrom(recent);
        }
        Map<Long, Long> positioned = new HashMap<>();
        callSequencer(positioned);
        if (waiting.isEmpty()) {
            return;
        }
        List<Pending> unresolved = null;
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            Long position = pending.batchId < 0 ? null : positioned.get(pending.batchId);
            if (position == null && pending.batchId >= 0) {
                position = recent.get(pending.batchId);
            }
            if (position != null) {
                complete(pending, position);
                it.remove();
            } else {
                if (unresolved == null) {
                    unresolved = new ArrayList<>();
                }
                unresolved.add(pending);
            }
        }
        if (unresolved != null) {
            lookUp(unresolved);
        }
    }

    private void answerFrom(Map<Long, Long> positions) {
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            Long position = pending.batchId < 0 ? null : positions.get(pending.batchId);
            if (position != null) {
                complete(pending, position);
                it.remove();
            }
        }
    }

    private void complete(Pending pending, long position) {
        if (pending.batchId >= 0) {
            byBatch.remove(pending.batchId);
        }
        pending.position.complete(position);
    }

    /** Calls sequence_events(); fills {@code positioned} (batch id to last position); returns the head. */
    private long callSequencer(Map<Long, Long> positioned) throws SQLException {
        Connection c = connection.get();
        long head = -1;
        try (PreparedStatement statement = c.prepareStatement(sql.sequence);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                long batch = rows.getLong(1);
                if (rows.wasNull()) {
                    head = rows.getLong(2);
                } else {
                    long last = rows.getLong(2);
                    positioned.put(batch, last);
                    recent.put(batch, last);
                }
            }
        }
        runs++;
        listener.headAt(head);
        return head;
    }

    /**
     * Positions of batches this call did not return. Each was committed before the call began, so
     * it is positioned by now (by this call, an earlier one, or another process's sequencer), except
     * a retry whose original append is itself still being committed: that one waits for the next call.
     */
    private void lookUp(List<Pending> unresolved) throws SQLException {
        Connection c = connection.get();
        String[] streams = new String[unresolved.size()];
        Long[] versions = new Long[unresolved.size()];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = unresolved.get(i).storedStreamId;
            versions[i] = unresolved.get(i).lastVersion;
        }
        Array streamArray = c.createArrayOf("text", streams);
        Array versionArray = c.createArrayOf("bigint", versions);
        try (PreparedStatement statement = c.prepareStatement(sql.positionsOf)) {
            statement.setArray(1, streamArray);
            statement.setArray(2, versionArray);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Pending pending = unresolved.get(rows.getInt(1) - 1);
                    complete(pending, rows.getLong(2));
                    waiting.remove(pending);
                }
            }
        } finally {
            streamArray.free();
            versionArray.free();
        }
        if (!waiting.isEmpty()) {
            signalled.set(true);
        }
    }
}
