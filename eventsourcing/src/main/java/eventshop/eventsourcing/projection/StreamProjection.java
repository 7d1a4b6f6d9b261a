package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.decider.EventCodec;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A {@link Projection} of the streams whose ids start with one prefix ({@code payment-}), their events
 * decoded with one codec. A read model states only its name, the prefix, the codec, its tables with the
 * DDL that creates them, and what each event does ({@link #on}); this base passes over every event of
 * another stream (without decoding it), decodes the rest and creates the tables of each generation:
 *
 * <pre>{@code
 * @Component
 * class CardTokens extends StreamProjection<CardEvent> {
 *     CardTokens() {
 *         super("card_tokens", Card.streamId(""), JsonEventCodec.of(CardEvent.class), List.of("card_tokens"),
 *                 "CREATE TABLE {card_tokens} (token VARCHAR(40) PRIMARY KEY, ...)",
 *                 "CREATE INDEX {card_tokens}_by_customer ON {card_tokens} (customer_id, position)");
 *     }
 *
 *     protected void on(CardEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
 *         switch (event) {                       // exhaustive over the sealed events, no default
 *             case CardTokenized card -> jdbc.update(tables.sql("INSERT INTO {card_tokens} ..."), ...);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>An event of the prefix that the codec cannot decode (a type it does not know, data that does not
 * parse) throws {@link eventshop.eventsourcing.decider.UnknownEventType} from {@link #apply}, like any
 * other failure of a log projection: the batch rolls back and is retried, pinned to that event's
 * position, never skipped (see {@link Projection}).
 *
 * <p>A read model that also folds a second kind of stream overrides {@link #apply}, handles that prefix
 * itself ({@link EventCodec#decode}) and hands every other event to {@code super.apply}.
 *
 * <p>Holds no state but what its constructor was given: thread-safe, as {@link ReadModel} requires.
 *
 * @param <E> the events of the prefix's streams, a sealed interface the codec decodes
 */
public abstract class StreamProjection<E> implements Projection {

    private final String name;
    private final String streamPrefix;
    private final EventCodec<E> codec;
    private final List<String> tables;
    private final List<String> ddl;

    /**
     * @param name         the read model's name ({@link ReadModel#name()})
     * @param streamPrefix what the ids of the folded streams start with, not empty
     * @param codec        decodes the events of those streams
     * @param tables       the logical table names ({@link ReadModel#tables()})
     * @param ddl          the statements creating a generation's tables and indexes, run in order, each
     *                     rendered by {@link Tables#sql}: write {@code {table}} for a table and
     *                     {@code {table}_by_x} for an index on it
     */
    protected StreamProjection(String name, String streamPrefix, EventCodec<E> codec, List<String> tables,
                               String... ddl) {
        this.name = Objects.requireNonNull(name, "name");
        this.streamPrefix = Objects.requireNonNull(streamPrefix, "streamPrefix");
        if (streamPrefix.isEmpty()) {
            throw new IllegalArgumentException("projection '" + name + "' needs a stream prefix, not ''");
        }
        this.codec = Objects.requireNonNull(codec, "codec");
        this.tables = List.copyOf(tables);
        this.ddl = List.of(ddl);
        if (this.ddl.isEmpty()) {
            throw new IllegalArgumentException("projection '" + name + "' creates no table: give its DDL");
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> tables() {
        return tables;
    }

    /** Runs the DDL given to the constructor for {@code tables}' generation, in order. */
    @Override
    public final void create(Tables tables, JdbcTemplate jdbc) {
        for (String statement : ddl) {
            jdbc.execute(tables.sql(statement));
        }
    }

    /**
     * Passes over an event of another stream; decodes one of the prefix and applies it with {@link #on}.
     *
     * @throws eventshop.eventsourcing.decider.UnknownEventType if the codec cannot decode an event of the prefix
     */
    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        if (event.streamId().startsWith(streamPrefix)) {
            on(codec.decode(event), event, tables, jdbc);
        }
    }

    /**
     * Applies one decoded event inside the batch's transaction; throw to roll the batch back (it is
     * retried, never skipped).
     *
     * @param event    the decoded event
     * @param recorded the event as stored: its stream, version, position and metadata
     */
    protected abstract void on(E event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc);
}
