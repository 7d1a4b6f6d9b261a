package eventshop.eventsourcing.leadership;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Leadership of a role among the instances of a service that share one PostgreSQL database: the leader
 * holds a session-level advisory lock ({@code pg_try_advisory_lock(k1, k2)}, {@code k1} fixed for
 * eventshop, {@code k2} from the service and the role) on a connection of its own, kept open while it
 * leads. PostgreSQL releases the lock when that session ends, which a crashed process (kill -9) or a
 * lost connection does (a host that vanishes is noticed by the session's TCP keepalives within about
 * 11 s); the standbys ask for the lock every {@code retryInterval} and one of them gets it.
 *
 * <p>Why not a lock with a time to live (Spring Integration's {@code JdbcLockRegistry}): a leader that
 * stalls (a long GC pause, a slow disk) past the TTL loses the lock without knowing, and two instances
 * then publish at once. An advisory lock is held as long as the leader's session lives, however slow it
 * is; it goes only with the session, which PostgreSQL notices.
 *
 * <p>How a leader that lost the lock without noticing yet is kept from working while another already
 * does:
 * <ul>
 *   <li><b>A lease on each confirmation.</b> Every {@code checkInterval} the leader confirms on its lock
 *       session that it still holds the lock; {@link #leading()} is true only for {@code lease} after the
 *       start of the last confirmation that succeeded. The work asks it before each batch.</li>
 *   <li><b>A new leader waits out that lease.</b> After it gets the lock, it waits {@code lease} before
 *       its work starts. The old leader's last confirmation began while it still held the lock, so its
 *       lease ends before the new leader starts, even if it never learns that its session died.</li>
 *   <li><b>A fence on shared progress.</b> {@link #fence} checks, in the writer's own transaction, that
 *       the lock session still holds the lock ({@code pg_locks}), so a checkpoint is never written after
 *       the lock is gone; checkpoints also only move forward (compare-and-set), so a deposed leader
 *       cannot move one back either.</li>
 * </ul>
 * What stays: a send the old leader's Kafka producer took before its lease ended may still be retried
 * by that producer afterwards. That is a duplicate of an event the new leader publishes too, which
 * consumers drop by its event id (at-least-once delivery).
 *
 * <p>Thread-safe. One elector thread, {@link #start started} and {@link #stop stopped} with the context, asks for, confirms and
 * releases the lock, and calls the work's {@code lead}/{@code standBy}.
 */
public final class AdvisoryLockLeadership implements Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLockLeadership.class);
    /** The first key of every eventshop lock: "eshp". */
    static final int NAMESPACE = 0x65736870;

    private record Entry(String name, Work work) {
    }

    private final DataSource dataSource;
    private final String service;
    private final String role;
    private final int key;
    private final Duration retryInterval;
    private final Duration checkInterval;
    private final Duration lease;
    private final String heldByThisSession;
    private final String heldBySession;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Object transitions = new Object();

    private volatile boolean elected;
    private volatile long validUntil;
    private volatile int backendPid = -1;
    private volatile @Nullable Instant since;
    private volatile @Nullable String lastError;
    private volatile boolean running;
    private volatile CompletableFuture<Void> stopSignal = new CompletableFuture<>();
    private @Nullable Connection connection;
    private @Nullable Thread elector;

    /**
     * @param dataSource    the service's database (the one its checkpoints are in)
     * @param service       the service's name (instances of one service share a role; services may share a database)
     * @param role          the role's name
     * @param retryInterval how often a standby asks for the lock
     * @param checkInterval how often the leader confirms it holds the lock
     * @param lease         how long a confirmation lets the leader work; a new leader waits this long before it starts
     */
    public AdvisoryLockLeadership(DataSource dataSource, String service, String role, Duration retryInterval,
                                  Duration checkInterval, Duration lease) {
        if (lease.compareTo(checkInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("eventshop.leadership.lease (" + lease + ") must be at least twice the"
                    + " check interval (" + checkInterval + "), or the leader pauses between two confirmations");
        }
        if (retryInterval.isNegative() || retryInterval.isZero() || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("eventshop.leadership intervals must be positive");
        }
        this.dataSource = dataSource;
        this.service = service;
        this.role = role;
        this.key = keyOf(service, role);
        this.retryInterval = retryInterval;
        this.checkInterval = checkInterval;
        this.lease = lease;
        String lock = "locktype = 'advisory' AND classid = " + NAMESPACE + " AND objid = " + key
                + " AND objsubid = 2 AND granted";
        this.heldByThisSession = "SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND " + lock;
        this.heldBySession = "SELECT COUNT(*) FROM pg_locks WHERE pid = ? AND " + lock;
    }

    /** The lock's second key: a non-negative 31-bit hash of the service and the role. */
    static int keyOf(String service, String role) {
        CRC32 crc = new CRC32();
        crc.update((service + "/" + role).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() & 0x7fffffff);
    }

    // ---------------------------------------------------------------- Leadership

    @Override
    public String role() {
        return role;
    }

    @Override
    public boolean leading() {
        return elected && System.nanoTime() - validUntil < 0;
    }

    @Override
    public void fence(JdbcOperations jdbc) {
        int pid = backendPid;
        if (!leading() || pid < 0) {
            throw new NotLeading(role, "write shared progress");
        }
        Integer held = jdbc.queryForObject(heldBySession, Integer.class, pid);
        if (held == null || held == 0) {
            throw new NotLeading(role, "write shared progress: its lock session no longer holds the lock");
        }
    }

    @Override
    public Registration run(String name, Work work) {
        Entry entry = new Entry(name, work);
        synchronized (transitions) {
            entries.add(entry);
            if (elected) {
                work.lead();
            }
        }
        return () -> {
            synchronized (transitions) {
                if (entries.remove(entry) && elected) {
                    work.standBy();
                }
            }
        };
    }

    /** When this instance became the leader, null while it stands by. */
    public @Nullable Instant since() {
        return elected ? since : null;
    }

    /** The last error talking to the database about the lock, null if none. */
    public @Nullable String lastError() {
        return lastError;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the elector: it asks for the lock until {@link #stop}. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopSignal = new CompletableFuture<>();
        elector = Thread.ofPlatform().daemon().name("eventshop-leadership-" + role).start(this::elect);
    }

    /** Stands the work by, releases the lock and ends the elector. */
    public void stop() {
        Thread thread;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            stopSignal.complete(null);
            thread = elector;
            elector = null;
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofMinutes(1));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    // ---------------------------------------------------------------- the elector

    private void elect() {
        LOG.info("{} stands by for role '{}' (advisory lock {}/{}); it asks every {}", service, role, NAMESPACE, key,
                retryInterval);
        try {
            while (running) {
                if (!acquire()) {
                    pause(retryInterval);
                    continue;
                }
                // a leader whose session died may not know yet: its lease runs out before this one starts
                if (!pause(lease)) {
                    break;
                }
                if (!confirm()) {
                    lost("the lock was gone before the work started");
                    continue;
                }
                lead();
                while (pause(checkInterval)) {
                    if (!confirm()) {
                        lost("the lock could not be confirmed (" + lastError + ")");
                        pause(retryInterval); // let a healthier instance ask first
                        break;
                    }
                }
            }
        } finally {
            standByAll();
            release();
        }
    }

    private boolean acquire() {
        try {
            Connection session = session();
            try (Statement statement = session.createStatement();
                 ResultSet result = statement.executeQuery("SELECT pg_try_advisory_lock(" + NAMESPACE + ", " + key + ")")) {
                return result.next() && result.getBoolean(1);
            }
        } catch (SQLException e) {
            noteError(e);
            closeSession();
            return false;
        }
    }

    /** The lock's session, opened if need be. */
    private Connection session() throws SQLException {
        Connection session = connection;
        if (session != null && !session.isClosed()) {
            return session;
        }
        session = dataSource.getConnection();
        session.setAutoCommit(true);
        try (Statement statement = session.createStatement()) {
            // a leader whose host vanished (no FIN, no RST) holds the lock until the server notices: keepalives
            // on the lock session make that seconds (5 s idle, then 3 probes 2 s apart), not the OS's two hours
            statement.execute("SET tcp_keepalives_idle = 5");
            statement.execute("SET tcp_keepalives_interval = 2");
            statement.execute("SET tcp_keepalives_count = 3");
            try (ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
                result.next();
                backendPid = result.getInt(1);
            }
        }
        connection = session;
        return session;
    }

    /** Confirms on the lock's session that it holds the lock; on success the lease runs from the start of the check. */
    private boolean confirm() {
        long started = System.nanoTime();
        Connection session = connection;
        if (session == null) {
            return false;
        }
        try (PreparedStatement statement = session.prepareStatement(heldByThisSession)) {
            statement.setQueryTimeout((int) Math.max(1, lease.toSeconds()));
            try (ResultSet result = statement.executeQuery()) {
                if (result.next()) {
                    validUntil = started + lease.toNanos();
                    return true;
                }
                lastError = "the session no longer holds the lock";
                return false;
            }
        } catch (SQLException e) {
            noteError(e);
            return false;
        }
    }

    private void lead() {
        synchronized (transitions) {
            since = Instant.now();
            elected = true;
            LOG.info("{} leads role '{}' now: starting {}", service, role, entries.stream().map(Entry::name).toList());
            for (Entry entry : entries) {
                try {
                    entry.work().lead();
                } catch (RuntimeException e) {
                    LOG.error("{} could not start {} as leader of role '{}'", service, entry.name(), role, e);
                }
            }
        }
    }

    private void standByAll() {
        synchronized (transitions) {
            if (!elected) {
                return;
            }
            elected = false;
            validUntil = System.nanoTime();
            for (Entry entry : entries.reversed()) {
                try {
                    entry.work().standBy();
                } catch (RuntimeException e) {
                    LOG.error("{} could not stop {} when it stopped leading role '{}'", service, entry.name(), role, e);
                }
            }
        }
    }

    private void lost(String why) {
        boolean wasLeading = elected;
        standByAll();
        closeSession();
        if (wasLeading) {
            LOG.warn("{} lost the lead of role '{}': {}; its work stopped, it stands by and asks again every {}",
                    service, role, why, retryInterval);
        }
    }

    /** Lets go of the lock (after the work stood by) and closes the session. */
    private void release() {
        closeSession();
        LOG.info("{} left role '{}'", service, role);
    }

    /**
     * Unlocks and gives the session back. The connection may come from a pool, where a session outlives
     * {@code close()}: if the unlock fails, the connection is aborted, so that no pooled session keeps the lock.
     */
    private void closeSession() {
        Connection session = connection;
        connection = null;
        backendPid = -1;
        if (session == null) {
            return;
        }
        try (Statement statement = session.createStatement()) {
            statement.setQueryTimeout(1);
            statement.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            noteError(e);
            try {
                session.abort(Runnable::run);
            } catch (SQLException | RuntimeException aborting) {
                LOG.debug("leadership of role '{}': aborting the lock session failed: {}", role, aborting.toString());
            }
        }
        try {
            session.close();
        } catch (SQLException e) {
            noteError(e);
        }
    }

    private void noteError(SQLException e) {
        lastError = e.toString();
        LOG.debug("leadership of role '{}': {}", role, e.toString());
    }

    /** Waits {@code duration}; false if the leadership is stopping. */
    private boolean pause(Duration duration) {
        try {
            stopSignal.get(duration.toNanos(), TimeUnit.NANOSECONDS);
            return false;
        } catch (TimeoutException waited) {
            return running;
        } catch (ExecutionException impossible) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
