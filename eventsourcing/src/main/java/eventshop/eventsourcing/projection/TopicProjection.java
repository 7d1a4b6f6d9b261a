package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A read model built from other services' Kafka topics: a named, checkpointed fold of every record of
 * {@link #topics()} into JDBC tables. Declare one as a Spring bean and the starter runs it (see
 * {@link Projections}); the brokers are the Kafka binder's.
 *
 * <p>Each generation reads with its own consumer and <b>no consumer group</b>: it assigns every
 * partition of the topics to itself (new topics and partitions are picked up every
 * {@code eventshop.projections.partition-refresh}) and keeps its checkpoints, the next offset and the
 * highest source position per partition, in the read-model database, written in the same transaction
 * as the rows of the batch that reached them. A crash at any instant therefore loses rows and
 * checkpoints together and nothing is applied twice; a rebuild reads the topics from their beginning
 * again (they need to retain every record). Within a partition records arrive in offset order; across
 * partitions and topics in any interleaving, so a row should depend on one stream's events (or be a
 * sum over streams) and ignore copies it has already applied (the stream version tells): a live
 * generation, a rebuild and a late replica then hold the same rows.
 *
 * <p>A record whose envelope is not the relay's ({@link IncomingEvent#from}) is passed over, logged
 * and counted; so is one for which {@link #apply} throws {@link MalformedMessage} (throw it
 * before writing anything). Every replica passes over the same records. Any other exception rolls the
 * batch back and it is retried, never skipped. See {@link ReadModel} for generations, tables and
 * threading.
 */
public non-sealed interface TopicProjection extends ReadModel {

    /**
     * The topics to read, each a {@code <service>.events} topic: the read model honours consistency
     * tokens of those services (a token {@code <service>:<position>@<stream>} waits for the stream's
     * partition, see {@link Projections#progress}).
     */
    List<String> topics();

    /**
     * Applies one event inside the batch's transaction. Ignore events the read model does not care
     * about; throw {@link MalformedMessage} (before writing) for one that can never be
     * applied, anything else to roll the batch back (it is retried, never skipped).
     *
     * @param source the service whose topic the record was read from ({@code orders} for {@code orders.events})
     */
    void apply(String source, IncomingEvent event, Tables tables, JdbcTemplate jdbc);
}
