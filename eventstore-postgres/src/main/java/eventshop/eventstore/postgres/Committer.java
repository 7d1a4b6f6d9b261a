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
import java.util.concurrent.locks.LockSupport;
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
 * <p>If a group's transaction fails for a reason other than a broken connection, its appends are
 * written again one by one, so one bad append fails alone. On a broken connection every append of
 * the group fails (the outcome of a failed COMMIT is unknown; retrying with the same event ids is safe).
 *
 * <p>Thread-safety: {@link #submit} from any thread; everything else runs on the committing thread.
 */
final class Committer implements Runnable {

    private static final System.Logger LOG = System.getLogger(Committer.class.getName());
    static final int GROUP_APPENDS = 512;
    static final long GROUP_BYTES = 8L * 1024 * 1024;

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
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean stopping;
    private Request carried;
    private final HeldConnection connection;
    private long groups;
    private long appends;

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
        if (!signalled.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops after the group in progress; appends still queued fail with {@code failure}. */
    void stop(RuntimeException failure) throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (carried != null) {
            carried.result.completeExceptionally(failure);
            carried = null;
        }
        Request left;
        while ((left = queue.poll()) != null) {
            left.result.completeExceptionally(failure);
        }
        connection.close();
    }

    /** Groups committed and appends written so far (tests and diagnostics). */
    long groups() {
        return groups;
    }

    long appends() {
        return appends;
    }

    @Override
    public void run() {
        List<Request> group = new ArrayList<>();
        Set<String> streams = new HashSet<>();
        while (!stopping) {
            group.clear();
            streams.clear();
            long bytes = 0;
            Request next = carried != null ? carried : queue.poll();
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
                next = queue.poll();
            }
            if (group.isEmpty()) {
                signalled.set(false);
                if (queue.isEmpty() && !stopping) {
                    LockSupport.park(this);
                }
                continue;
            }
            write(group);
        }
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
