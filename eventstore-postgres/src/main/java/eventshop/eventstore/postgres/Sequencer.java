package eventshop.eventstore.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The store's sequencing thread: every poll interval (or sooner, when {@link #signal}led) it calls
 * the schema's {@code sequence_events()} function on a connection of its own, in autocommit mode.
 * The call positions rows committed without a position (left by a writer that crashed under the
 * engine's earlier design, or by any writer that does not take the head's lock) and answers the
 * committed head, which the store makes its visible head: so subscribers also learn of other
 * processes' appends when notifications are lost. A call with nothing to position takes no lock.
 */
final class Sequencer implements Runnable {

    private static final System.Logger LOG = System.getLogger(Sequencer.class.getName());

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
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final Thread thread;
    private final HeldConnection connection;
    private volatile boolean stopping;
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
        return callSequencer();
    }

    void start() {
        thread.start();
    }

    /** Asks for a sequencing call soon. */
    void signal() {
        if (!signalled.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops after the current call. */
    void stop() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(30));
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
            try {
                callSequencer();
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

    /** Calls sequence_events() and reports the head it answers. */
    private long callSequencer() throws SQLException {
        long head = -1;
        try (PreparedStatement statement = connection.get().prepareStatement(sql.sequence);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                rows.getLong(1);
                if (rows.wasNull()) {
                    head = rows.getLong(2);
                }
            }
        }
        runs++;
        listener.headAt(head);
        return head;
    }
}
