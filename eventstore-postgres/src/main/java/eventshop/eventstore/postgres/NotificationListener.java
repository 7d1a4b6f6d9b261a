package eventshop.eventstore.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on the log's notification channel on a connection of its own and reports each head the
 * sequencers announce (theirs and other processes'). Only a wake-up: if the connection breaks,
 * notifications are lost until it reconnects, and the store's polling delivers in the meantime.
 * After every (re)connect it asks for one poll, so nothing committed while it was away waits for
 * the next poll interval.
 */
final class NotificationListener implements Runnable {

    private static final System.Logger LOG = System.getLogger(NotificationListener.class.getName());

    private final DataSource dataSource;
    private final Sql sql;
    private final int waitMillis;
    private final long retryNanos;
    private final LongConsumer headAt;
    private final Runnable connected;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile int backendPid;

    NotificationListener(DataSource dataSource, Sql sql, long pollNanos, LongConsumer headAt, Runnable connected,
                         String name) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.waitMillis = (int) Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(pollNanos)));
        this.retryNanos = pollNanos;
        this.headAt = headAt;
        this.connected = connected;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Stops listening: wakes the listener with a notification of its own rather than waiting out its timeout. */
    void stop() throws InterruptedException {
        stopping = true;
        if (backendPid != 0) {
            try (Connection connection = dataSource.getConnection();
                 java.sql.PreparedStatement wake = connection.prepareStatement("SELECT pg_notify(?, '')")) {
                wake.setString(1, sql.channel);
                wake.execute();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "waking the listener failed; it stops at its next timeout", e);
            }
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** The server process id of the listening connection, or 0 while not connected. */
    int backendPid() {
        return backendPid;
    }

    @Override
    public void run() {
        int failures = 0;
        while (!stopping) {
            Connection connection = null;
            try {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql.listen);
                    try (ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                        pid.next();
                        backendPid = pid.getInt(1);
                    }
                }
                failures = 0;
                connected.run();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!stopping) {
                    PGNotification[] notifications = pg.getNotifications(waitMillis);
                    if (notifications != null) {
                        long head = -1;
                        for (PGNotification notification : notifications) {
                            head = Math.max(head, parse(notification.getParameter()));
                        }
                        if (head >= 0) {
                            headAt.accept(head);
                        }
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("UNLISTEN *");
                }
            } catch (SQLException | RuntimeException e) {
                // The failure came through the unwrapped driver connection, which a pool does not
                // see: abort the connection so that it is not handed out again.
                abortQuietly(connection);
                int lost = backendPid;
                backendPid = 0;
                if (stopping) {
                    break;
                }
                failures++;
                LOG.log(failures == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                        "listening on " + sql.channel + " failed (attempt " + failures + ", backend pid " + lost
                                + "); polling until it reconnects", e);
            } finally {
                closeQuietly(connection);
            }
            if (failures > 0 && !stopping) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, retryNanos);
            }
        }
        backendPid = 0;
    }

    private static long parse(String payload) {
        try {
            return Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void abortQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "aborting the listener's connection failed", e);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the listener's connection failed", e);
            }
        }
    }
}
