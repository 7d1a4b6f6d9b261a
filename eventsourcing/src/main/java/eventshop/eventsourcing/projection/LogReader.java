package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.projection.ProjectionStatus.PartitionStatus;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A generation of a {@link Projection} reading the service's own log: an in-process subscription
 * ({@link LogFeed}) from the position after its checkpoint, which is the registry's
 * {@code applied_position}.
 */
final class LogReader implements Reader<RecordedEvent> {

    /** How long an idle runner sleeps before it looks around again if nobody wakes it. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    private final Projection projection;
    private final Tables tables;
    private final EventStore store;
    private final JdbcTemplate jdbc;
    private final Generations generations;
    private final int capacity;
    private final long target;
    private volatile @Nullable LogFeed feed;

    LogReader(Projection projection, Tables tables, EventStore store, JdbcTemplate jdbc, Generations generations,
              ProjectionProperties settings) {
        this.projection = projection;
        this.tables = tables;
        this.store = store;
        this.jdbc = jdbc;
        this.generations = generations;
        this.capacity = 2 * settings.batchSize();
        this.target = store.headPosition() + 1;
    }

    @Override
    public Checkpoint open() {
        close();
        long checkpoint = generations.appliedPosition(projection.name(), tables.generation());
        feed = new LogFeed(store, checkpoint + 1, capacity).open();
        return new Checkpoint.Log(checkpoint);
    }

    @Override
    public List<RecordedEvent> next(int max) throws InterruptedException {
        LogFeed current = feed;
        if (current == null) {
            throw new IllegalStateException("the log reader of " + tables + " is not open");
        }
        return current.next(max, IDLE_WAIT);
    }

    @Override
    public Checkpoint apply(List<RecordedEvent> batch, Checkpoint from) {
        long checkpoint = from.applied();
        long first = batch.getFirst().position();
        long last = batch.getLast().position();
        if (first != checkpoint + 1 || last - first + 1 != batch.size()) {
            throw new IllegalStateException("the log delivered positions " + first + ".." + last + " (" + batch.size()
                    + " events) after checkpoint " + checkpoint + "; expected consecutive positions from "
                    + (checkpoint + 1));
        }
        projection.applyAll(batch, tables, jdbc);
        generations.advance(projection.name(), tables.generation(), checkpoint, last);
        return new Checkpoint.Log(last);
    }

    @Override
    public void settled(boolean applied, Checkpoint checkpoint) {
        // the log's head is known in process at any time
    }

    @Override
    public Checkpoint through(List<RecordedEvent> batch, Checkpoint from) {
        return batch.isEmpty() ? from : new Checkpoint.Log(batch.getLast().position());
    }

    @Override
    public String where(List<RecordedEvent> batch) {
        return batch.size() == 1 ? "at position " + batch.getFirst().position()
                : "in positions " + batch.getFirst().position() + ".." + batch.getLast().position();
    }

    @Override
    public @Nullable Long failingPosition(List<RecordedEvent> batch) {
        return batch.getFirst().position();
    }

    @Override
    public void abandon() {
        close(); // no subscription buffering events during the runner's pause
    }

    @Override
    public void wake() {
        LogFeed current = feed;
        if (current != null) {
            current.wake();
        }
    }

    @Override
    public void close() {
        LogFeed current = feed;
        feed = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public long head() {
        return store.headPosition();
    }

    @Override
    public long lag(Checkpoint checkpoint) {
        return store.headPosition() - checkpoint.applied();
    }

    @Override
    public List<PartitionStatus> partitions(Checkpoint checkpoint) {
        return List.of();
    }

    @Override
    public long skipped() {
        return 0;
    }

    @Override
    public long target() {
        return target;
    }

    @Override
    public long reached(Checkpoint checkpoint) {
        return Math.min(checkpoint.applied() + 1, target);
    }

    @Override
    public boolean reachedTarget(Checkpoint checkpoint) {
        return checkpoint.applied() + 1 >= target;
    }

    @Override
    public boolean caughtUp(Checkpoint checkpoint) {
        return checkpoint.applied() >= store.headPosition();
    }
}
