package eventshop.views.model;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventsourcing.projection.TopicProjection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The views as one read model of the starter's projection runtime: the tables of {@link ViewSchema},
 * filled from the other services' topics by {@link ViewUpdater}. The runtime reads the topics (every
 * partition, no consumer group, checkpoints in the batch's transaction), rebuilds generations blue/green,
 * and makes queries wait for consistency tokens.
 */
public final class Views implements TopicProjection {

    /** The read model's name: {@code Projections.read(Views.NAME, ...)}, {@code /actuator/projections/views}. */
    public static final String NAME = "views";

    private final List<String> topics;
    private final ViewUpdater updater = new ViewUpdater();

    /** @param topics the {@code <service>.events} topics to read */
    public Views(List<String> topics) {
        this.topics = List.copyOf(topics);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int version() {
        return ViewSchema.VERSION;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public List<String> tables() {
        return ViewSchema.TABLES;
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        ViewSchema.create(jdbc, tables);
    }

    @Override
    public void apply(String source, IncomingEvent event, Tables tables, JdbcTemplate jdbc) {
        updater.apply(source, event, tables, jdbc);
    }
}
