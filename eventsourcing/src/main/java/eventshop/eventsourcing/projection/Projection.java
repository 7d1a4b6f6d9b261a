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
 * backoff) from the checkpoint; it never skips an event. See {@link ReadModel} for generations,
 * tables and threading.
 *
 * <p>A read model of the streams of one prefix, decoded with one codec, extends {@link StreamProjection}
 * and states only its prefix, codec, tables with their DDL and what each event does.
 */
public non-sealed interface Projection extends ReadModel {

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
