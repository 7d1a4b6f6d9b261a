package eventshop.eventstore.postgres;

import eventshop.eventstore.AppendResult;
import eventshop.eventstore.EventStoreException;
import eventshop.eventstore.StorageUnavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The store's committing thread: group commit for appends.
 *
 * <p>Appends queue here and this thread writes them in groups, one transaction per group on a
 * connection of its own: while one group's transaction commits (and waits for its WAL flush), the
 * appends that arrive queue up and go together in the next one, so concurrent writers share
 * transactions, row locks on the log head and fsyncs. A group is the longest prefix of the queue
 * with at most one append per stream and about {@value #GROUP_BYTES} bytes of data, so appends are
 * written in the order they were queued, and one thread's appends in the order it made them.
 *
 * <p>A lone writer writes its own group of one on its own thread ({@link #writeAlone}): when nothing
 * is queued, no group is being written and the last write was a lone append with nobody waiting
 * behind it, the calling thread takes the connection and writes, with no hand-off to this thread
 * and back. The connection is guarded by {@link #writing}: the committing thread holds it while it
 * takes a group from the queue and writes it, a lone writer while it writes, so exactly one writer
 * uses the connection at a time. A lone writer goes ahead only if the queue is empty once it holds
 * the lock, so it can never overtake an append queued before it (the order of one thread's appends
 * holds). As soon as writers overlap (the last write held several appends, or found appends queued
 * behind it) they all queue, and groups form as before: the fast path never splits a group.
 *
 * <p>After a group of several appends the committing thread waits briefly for that many to queue
 * again ({@link #gather}), so that the group's writers, answered together, go together again.
 *
 * <p>If a group's transaction fails for a reason other than a broken connection, its appends are
 * written again one by one, so one bad append fails alone. On a broken connection every append of
 * the group fails (the outcome of a failed COMMIT is unknown; retrying with the same event ids is safe).
 *
 * <p>Thread-safety: {@link #submit} and {@link #writeAlone} from any thread; the queue is drained
 * and the connection used only under {@link #writing}.
 */
final class Committer implements Runnable {

    private static final System.Logger LOG = System.getLogger(Committer.class.getName());
    static final int GROUP_APPENDS = 512;
    static final long GROUP_BYTES = 8L * 1024 * 1024;
    /** The longest a group waits for the writers of the last group to come back. */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One append waiting to be written. */
    static final class Request {
        final String streamId;
        final String storedStreamId;
        final eventshop.eventstore.ExpectedVersion expected;
        final PostgresEventStore.Batch batch;
        final long bytes;
        final CompletableFuture<AppendResult> result = new CompletableFuture<>();

        Request(String streamId, eventshop.eventstore.ExpectedVersion expected, PostgresEventStore.Batch batch) {
            this.streamId = streamId;
            this.storedStreamId = batch.storedStreamId();
            this.expected = expected;
            this.batch = batch;
            long size = 0;
            for (int i = 0; i < batch.data().length; i++) {
                size += batch.data()[i].length + batch.metadata()[i].length;
            }
            this.bytes = size;
        }
    }

    /** Writes one group in one transaction on {@code connection}, completing each request's result. */
    @FunctionalInterface
    interface Work {
        void commit(Connection connection, List<Request> group) throws SQLException;
    }

    private final Work work;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final Thread thread;
    /** Held by whoever uses the connection, the queue's head and {@link #carried}: the committing thread or a lone writer. */
    private final ReentrantLock writing = new ReentrantLock();
    private volatile boolean stopping;
    /** Whether the last write held several appends or ended with appends queued behind it: writers overlap, so lone writes wait their turn. */
    private volatile boolean contended;
    private volatile boolean loneWritesOn = true;
    private Request carried;
    private final HeldConnection connection;
    private long groups;
    private long appends;
    private long loneWrites;
    /** The size of the last group written (by either thread), and how long the committing thread's last write took. */
    private volatile int lastGroupSize;
    private long lastWriteNanos;
    private volatile long gatherNanos;
    private volatile long groupWriteNanos;

    Committer(DataSource dataSource, Work work, String name) {
        this.connection = new HeldConnection(dataSource, false, "committer");
        this.work = work;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code request}; its result completes once its group has committed (or failed). */
    void submit(Request request) {
        queue.add(request);
        queued.incrementAndGet();
        if (!signalled.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Writes {@code request} as a group of its own on the calling thread, if the committer is idle:
     * nothing queued or being written, and the last write was a lone append that found nobody
     * waiting behind it. Answers
     * false, having done nothing, otherwise; the caller then {@link #submit}s it. When it answers
     * true, the request's result is complete.
     */
    boolean writeAlone(Request request) {
        if (contended || !loneWritesOn || stopping || !queue.isEmpty() || !writing.tryLock()) {
            return false;
        }
        try {
            if (stopping || carried != null || !queue.isEmpty()) {
                return false;
            }
            write(List.of(request));
            loneWrites++;
            lastGroupSize = 1;
            contended = !queue.isEmpty();
        } finally {
            writing.unlock();
        }
        if (!queue.isEmpty()) {
            // the committing thread may have found the lock taken and gone back to sleep
            LockSupport.unpark(thread);
        }
        return true;
    }

    void loneWrites(boolean on) {
        loneWritesOn = on;
    }

    /** Stops after the group in progress; appends still queued fail with {@code failure}. */
    void stop(RuntimeException failure) throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        writing.lock();
        try {
            if (carried != null) {
                carried.result.completeExceptionally(failure);
                carried = null;
            }
            Request left;
            while ((left = poll()) != null) {
                left.result.completeExceptionally(failure);
            }
            connection.close();
        } finally {
            writing.unlock();
        }
    }

    /** Groups committed, appends written and lone writes made so far (tests and diagnostics). */
    long groups() {
        writing.lock();
        try {
            return groups;
        } finally {
            writing.unlock();
        }
    }

    long appends() {
        writing.lock();
        try {
            return appends;
        } finally {
            writing.unlock();
        }
    }

    /** Time the committing thread spent waiting for groups to gather, and writing groups (diagnostics). */
    long[] gatherAndWriteNanos() {
        return new long[] {gatherNanos, groupWriteNanos};
    }

    long loneWrites() {
        writing.lock();
        try {
            return loneWrites;
        } finally {
            writing.unlock();
        }
    }

    @Override
    public void run() {
        List<Request> group = new ArrayList<>();
        Set<String> streams = new HashSet<>();
        while (!stopping) {
            if (carried == null && queue.isEmpty()) {
                signalled.set(false);
                if (queue.isEmpty() && !stopping) {
                    LockSupport.park(this);
                }
                continue;
            }
            gather();
            writing.lock();
            try {
                group.clear();
                streams.clear();
                long bytes = 0;
                Request next = carried != null ? carried : poll();
                carried = null;
                while (next != null) {
                    if (!group.isEmpty() && (group.size() >= GROUP_APPENDS || bytes + next.bytes > GROUP_BYTES
                            || !streams.add(next.storedStreamId))) {
                        carried = next;
                        break;
                    }
                    streams.add(next.storedStreamId);
                    group.add(next);
                    bytes += next.bytes;
                    next = poll();
                }
                if (!group.isEmpty()) {
                    long start = System.nanoTime();
                    write(group);
                    lastWriteNanos = System.nanoTime() - start;
                    groupWriteNanos += lastWriteNanos;
                    lastGroupSize = group.size();
                    // A group of several, or appends waiting behind it: writers overlap. (Checking
                    // the queue alone is not enough: when every writer was in the group the queue
                    // is empty at its end, and the first writer back would go alone, splitting the
                    // next group in two commits.)
                    contended = group.size() > 1 || carried != null || !queue.isEmpty();
                }
            } finally {
                writing.unlock();
            }
        }
    }

    private Request poll() {
        Request request = queue.poll();
        if (request != null) {
            queued.decrementAndGet();
        }
        return request;
    }

    /**
     * After a group of several appends: waits, for a quarter of that group's write at most (and
     * {@link #GATHER_NANOS}), until as many appends are queued as it held. Its writers were
     * answered together and come back within microseconds of each other; without the wait the
     * first one back would go alone and the rest would wait a whole commit (a WAL flush) for the
     * group after it, so groups would alternate between one append and all the others.
     */
    private void gather() {
        if (lastGroupSize <= 1 || carried != null) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + Math.min(lastWriteNanos / 4, GATHER_NANOS);
        while (queued.get() < lastGroupSize && !stopping && System.nanoTime() < deadline) {
            LockSupport.parkNanos(this, 20_000);
        }
        gatherNanos += System.nanoTime() - start;
    }

    private void write(List<Request> group) {
        try {
            commit(group);
        } catch (SQLException | RuntimeException e) {
            if (group.size() > 1 && !HeldConnection.isConnectionFailure(e)) {
                LOG.log(System.Logger.Level.DEBUG, "a group of " + group.size() + " appends failed; writing them one by one", e);
                for (Request request : group) {
                    try {
                        commit(List.of(request));
                    } catch (SQLException | RuntimeException alone) {
                        fail(List.of(request), alone);
                    }
                }
            } else {
                fail(group, e);
            }
        }
    }

    private void commit(List<Request> group) throws SQLException {
        Connection c = connection.get();
        try {
            work.commit(c, group);
            groups++;
            appends += group.size();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                LOG.log(System.Logger.Level.DEBUG, "rollback failed", rollback);
            }
            if (HeldConnection.isConnectionFailure(e)) {
                connection.close();
            }
            throw e;
        }
    }

    private static void fail(List<Request> group, Exception e) {
        for (Request request : group) {
            if (!request.result.isDone()) {
                request.result.completeExceptionally(e instanceof EventStoreException ? e
                        : HeldConnection.isConnectionFailure(e)
                        ? new StorageUnavailable("append to '" + request.streamId + "' failed: the database cannot be"
                                + " reached (" + e + "); it may or may not be stored, and a retry is safe", e)
                        : new EventStoreException("append to '" + request.streamId + "' failed: " + e, e));
            }
        }
    }
}
