package eventshop.eventsourcing.projection;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A read model the projection runtime ({@link Projections}) keeps: named, versioned JDBC tables in the
 * service's read-model database, filled by folding a source of events into them. Declare one as a
 * Spring bean and the starter runs it. Which source it reads is its kind:
 *
 * <ul>
 *   <li>{@link Projection}: the service's own log, in position order;</li>
 *   <li>{@link TopicProjection}: Kafka topics of other services ({@code <service>.events}), every
 *       partition in offset order.</li>
 * </ul>
 *
 * Either way the runtime does the rest the same way: batches applied in one transaction together with
 * the checkpoint, failures retried with backoff and never skipped, generations with blue/green
 * rebuilds, readiness until caught up, lag, and consistency-token waits (see {@link Projections}).
 *
 * <p>Tables are created per <em>generation</em>: a rebuild creates fresh tables (the logical name
 * with a {@code _g<n>} suffix), fills them from the beginning while the current generation keeps
 * serving, and switches over when caught up. So always name tables through {@link Tables}, in
 * {@code create}, when applying and in queries ({@link Projections#read}); indexes too, for example
 * {@code tables.name("cart_lines") + "_by_sku"}. Write portable SQL (H2 and PostgreSQL).
 *
 * <p>Implementations are called by one runner thread per generation; during a rebuild two
 * generations run at once, so keep no mutable state outside the tables.
 */
public sealed interface ReadModel permits Projection, TopicProjection {

    /** Unique name in the service: a lowercase letter, then lowercase letters, digits or {@code _}, at most 40. */
    String name();

    /**
     * The version of {@link #create} and of how events are applied. Raise it when either changes: at
     * the next start the read model is rebuilt into a new generation, and the old one serves queries
     * (without following its source) until the new one has caught up.
     */
    default int version() {
        return 1;
    }

    /** The logical names of the tables this read model owns: lowercase, at most 40 characters. */
    List<String> tables();

    /** Creates the (empty) tables and indexes of a new generation. */
    void create(Tables tables, JdbcTemplate jdbc);
}
