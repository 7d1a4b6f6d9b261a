package eventshop.eventstore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A connection one of the store's threads (the committer, the sequencer) keeps for itself: taken
 * from the pool on first use, in the given auto-commit mode, and dropped after a connection failure
 * so that the next use takes a fresh one. Not thread-safe: one thread uses it.
 */
final class HeldConnection {

    private static final System.Logger LOG = System.getLogger(HeldConnection.class.getName());

    private final DataSource dataSource;
    private final boolean autoCommit;
    private final String owner;
    private Connection connection;

    HeldConnection(DataSource dataSource, boolean autoCommit, String owner) {
        this.dataSource = dataSource;
        this.autoCommit = autoCommit;
        this.owner = owner;
    }

    Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection fresh = dataSource.getConnection();
            try {
                fresh.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                fresh.close();
                throw e;
            }
            connection = fresh;
        }
        return connection;
    }

    /** Returns the connection to the pool (or closes it), if one is held. */
    void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the " + owner + "'s connection failed", e);
            }
            connection = null;
        }
    }

    /** Connection-level failures (SQL state class 08, or the server shutting the session down), in {@code e} or its causes. */
    static boolean isConnectionFailure(Throwable e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof SQLException)) {
            cause = cause.getCause();
        }
        String state = cause == null ? null : ((SQLException) cause).getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
}
