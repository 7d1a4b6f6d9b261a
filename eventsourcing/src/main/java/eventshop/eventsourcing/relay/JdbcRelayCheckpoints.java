package eventshop.eventsourcing.relay;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Relay checkpoints in the service's own database, table {@code relay_checkpoints(relay,
 * position, updated_at)}, made by the starter's migrations
 * ({@link eventshop.eventsourcing.database.EventSourcingTables}). Each {@link #save} is its own small transaction.
 *
 * <p>Why the database and not a file: the service's database is where the rest of its durable
 * progress lives (projection checkpoints, processed messages), it is backed up and moved with the
 * service, and it works unchanged when the service runs with PostgreSQL and its data directory is
 * ephemeral. The write rate is low: the relay saves at most once per checkpoint interval.
 */
public final class JdbcRelayCheckpoints implements RelayCheckpoints {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public JdbcRelayCheckpoints(DataSource dataSource, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = clock;
    }

    @Override
    public long load(String relay) {
        List<Long> rows = jdbc.queryForList("SELECT position FROM relay_checkpoints WHERE relay = ?", Long.class,
                relay);
        return rows.isEmpty() ? -1 : rows.getFirst();
    }

    @Override
    public void save(String relay, long position) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.update("UPDATE relay_checkpoints SET position = ?, updated_at = ? WHERE relay = ?",
                position, now, relay);
        if (updated == 0) {
            jdbc.update("INSERT INTO relay_checkpoints (relay, position, updated_at) VALUES (?, ?, ?)",
                    relay, position, now);
        }
    }
}
