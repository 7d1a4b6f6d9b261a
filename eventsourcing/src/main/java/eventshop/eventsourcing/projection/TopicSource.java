package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.ReadModelProgress;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Kafka topics, for a {@link TopicProjection}: its checkpoint is per topic partition, and tokens wait
 * for the partition of their stream and for the whole-log estimate ({@link TopicProgress}).
 */
final class TopicSource implements Source {

    private final TopicProjection projection;
    private final JdbcTemplate jdbc;
    private final Generations generations;
    private final ProjectionProperties settings;
    private final Map<String, Object> clientConfig;
    private final TopicProgress progress;

    TopicSource(TopicProjection projection, JdbcTemplate jdbc, Generations generations, ProjectionProperties settings,
                Map<String, Object> clientConfig) {
        this.projection = projection;
        this.jdbc = jdbc;
        this.generations = generations;
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.progress = new TopicProgress(projection.name(), projection.topics());
    }

    @Override
    public Reader<?> reader(Tables tables) {
        return new TopicReader(projection, tables, jdbc, generations, settings, clientConfig);
    }

    @Override
    public Checkpoint stored(int generation, long appliedPosition) {
        return generations.offsets(projection.name(), generation);
    }

    @Override
    public ReadModelProgress progress() {
        return progress;
    }

    @Override
    public void published(ProjectionRunner<?> active) {
        progress.publish(active.reader().partitions(active.checkpoint()));
    }

    @Override
    public Map<String, Long> appliedBySource() {
        return progress.all();
    }
}
