package eventshop.eventsourcing.projection;

import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A read model built from the service's own log: a named, checkpointed fold of every event into
 * JDBC tables. Declare one as a Spring bean and the starter runs it (see {@link Projections}).
 *
 * <p>The runner applies events in position order, in batches; each batch and the projection's
 * checkpoint commit in one transaction, so after a crash every event has been applied exactly
 * once. An exception from {@link #apply} rolls the batch back and the runner retries (with
 * backoff) from the checkpoint; it never skips an event.
 *
 * <p>Tables are created per <em>generation</em>: a rebuild creates fresh tables (the logical name
 * with a {@code _g<n>} suffix), fills them from position 0 while the current generation keeps
 * serving, and switches over when caught up. So always name tables through {@link Tables}, in
 * {@code create}, in {@code apply} and in queries ({@link Projections#read}); indexes too, for
 * example {@code tables.name("cart_lines") + "_by_sku"}. Write portable SQL (H2 and PostgreSQL).
 *
 * <p>Implementations are called by one runner thread per generation; during a rebuild two
 * generations run at once, so keep no mutable state outside the tables.
 */
public interface Projection {

    /** Unique name in the service: a lowercase letter, then lowercase letters, digits or {@code _}, at most 40. */
    String name();

    /**
     * The version of {@link #create} and {@link #apply}. Raise it when either changes: at the next
     * start the projection is rebuilt into a new generation, and the old one serves queries (without
     * following the log) until the new one has caught up.
     */
    default int version() {
        return 1;
    }

    /** The logical names of the tables this projection owns: lowercase, at most 40 characters. */
    List<String> tables();

    /** Creates the (empty) tables and indexes of a new generation. */
    void create(Tables tables, JdbcTemplate jdbc);

    /**
     * Applies one event inside the batch's transaction. Ignore events the read model does not care
     * about; throw to roll the batch back (it is retried, never skipped).
     */
    void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc);

    /**
     * Applies a batch of consecutive events inside one transaction. Override to write in bulk
     * ({@link JdbcTemplate#batchUpdate}) when rebuild speed matters; the default applies them one by one.
     */
    default void applyAll(List<RecordedEvent> events, Tables tables, JdbcTemplate jdbc) {
        for (RecordedEvent event : events) {
            apply(event, tables, jdbc);
        }
    }
}
