package eventshop.eventsourcing.relay;

import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.leadership.SoleInstance;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Relay checkpoints in the service's own database, table {@code relay_checkpoints(relay,
 * position, updated_at)}, made by the starter's migrations
 * ({@link eventshop.eventsourcing.database.EventSourcingTables}). Each {@link #save} is its own small transaction.
 *
 * <p>Why the database and not a file: the service's database is where the rest of its durable
 * progress lives (projection checkpoints, processed messages), it is backed up and moved with the
 * service, and it works unchanged when the service runs with PostgreSQL and its data directory is
 * ephemeral. The write rate is low: the relay saves at most once per checkpoint interval.
 *
 * <p>Instances of a service share the table; only the leader of the service's {@link Leadership} relays.
 * A save is fenced ({@link Leadership#fence}: only while this instance holds the lead) and only moves a
 * checkpoint forward, so a leader that was deposed without noticing yet can neither overwrite its
 * successor's progress nor move it back.
 */
public final class JdbcRelayCheckpoints implements RelayCheckpoints {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Leadership leadership;

    /** Checkpoints of a service that runs as one instance. */
    public JdbcRelayCheckpoints(DataSource dataSource, Clock clock) {
        this(dataSource, clock, new SoleInstance("relay"));
    }

    /** Checkpoints written only while this instance leads {@code leadership}'s role. */
    public JdbcRelayCheckpoints(DataSource dataSource, Clock clock, Leadership leadership) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.clock = clock;
        this.leadership = leadership;
    }

    @Override
    public long load(String relay) {
        List<Long> rows = jdbc.queryForList("SELECT position FROM relay_checkpoints WHERE relay = ?", Long.class,
                relay);
        return rows.isEmpty() ? -1 : rows.getFirst();
    }

    /**
     * Saves {@code position} if it is beyond the saved one (a lower or equal one changes nothing).
     *
     * @throws eventshop.eventsourcing.leadership.NotLeading if this instance does not lead (nothing is saved)
     */
    @Override
    public void save(String relay, long position) {
        Timestamp now = Timestamp.from(clock.instant());
        transactions.executeWithoutResult(status -> {
            leadership.fence(jdbc);
            int updated = jdbc.update("UPDATE relay_checkpoints SET position = ?, updated_at = ? WHERE relay = ?"
                    + " AND position < ?", position, now, relay, position);
            if (updated == 0 && jdbc.queryForList("SELECT 1 FROM relay_checkpoints WHERE relay = ?", relay).isEmpty()) {
                jdbc.update("INSERT INTO relay_checkpoints (relay, position, updated_at) VALUES (?, ?, ?)",
                        relay, position, now);
            }
        });
    }
}
