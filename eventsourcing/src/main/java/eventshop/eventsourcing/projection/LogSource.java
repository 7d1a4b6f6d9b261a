package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.AppliedPosition;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service's own log, for a {@link Projection}: its checkpoint is a log position, and a token of
 * the service is reached once the active generation has applied its position (the log is applied in
 * position order, so the stream does not matter).
 */
final class LogSource implements Source {

    private final String serviceName;
    private final Projection projection;
    private final EventStore store;
    private final JdbcTemplate jdbc;
    private final Generations generations;
    private final ProjectionProperties settings;
    /** The active generation's checkpoint as published to queries: never goes backwards. */
    private final AppliedPosition applied;
    private final ReadModelProgress progress;

    LogSource(String serviceName, Projection projection, EventStore store, JdbcTemplate jdbc, Generations generations,
              ProjectionProperties settings) {
        this.serviceName = serviceName;
        this.projection = projection;
        this.store = store;
        this.jdbc = jdbc;
        this.generations = generations;
        this.settings = settings;
        this.applied = new AppliedPosition(-1);
        this.progress = new ReadModelProgress() {
            @Override
            public String name() {
                return projection.name();
            }

            @Override
            public boolean follows(String source) {
                return serviceName.equals(source);
            }

            @Override
            public CompletableFuture<Void> whenReached(ConsistencyToken token) {
                // the projection applies the whole log in position order: the stream does not matter
                return applied.whenReached(token.position());
            }

            @Override
            public String reached(ConsistencyToken token) {
                return "applied up to position " + applied.get() + " of " + serviceName;
            }
        };
    }

    @Override
    public Reader<?> reader(Tables tables) {
        return new LogReader(projection, tables, store, jdbc, generations, settings);
    }

    @Override
    public Checkpoint stored(int generation, long appliedPosition) {
        return new Checkpoint.Log(appliedPosition);
    }

    @Override
    public ReadModelProgress progress() {
        return progress;
    }

    @Override
    public void published(ProjectionRunner<?> active) {
        applied.advance(active.checkpoint().applied());
    }

    @Override
    public void followed(Checkpoint checkpoint) {
        applied.advance(checkpoint.applied());
    }

    @Override
    public long head() {
        return store.headPosition();
    }

    @Override
    public Map<String, Long> appliedBySource() {
        return Map.of(serviceName, applied.get());
    }

    @Override
    public long events() {
        return store.headPosition() + 1;
    }

    /** The first position recorded at or after {@code at}, found by halving (positions are gapless from 0). */
    @Override
    public long eventsAt(Instant at) {
        long before = 0;
        long after = store.headPosition() + 1;
        while (before < after) {
            long middle = before + (after - before) / 2;
            RecordedEvent event = store.readAll(middle, 1).blockFirst();
            if (event == null || !event.metadata().timestamp().isBefore(at)) {
                after = middle;
            } else {
                before = middle + 1;
            }
        }
        return before;
    }
}
