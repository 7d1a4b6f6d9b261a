package eventshop.views.feed;

import eventshop.views.model.ViewSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The views' own bookkeeping in the views database: the generation registry and the checkpoints.
 *
 * <ul>
 *   <li>{@code view_generations(generation, status, schema_version)}: {@code ACTIVE} (serving queries, exactly one),
 *       {@code BUILDING} (a rebuild in progress, at most one), {@code RETIRED} (replaced, tables about
 *       to be dropped). A switch is one transaction over two rows. {@code schema_version} is the
 *       {@link ViewSchema#VERSION} its tables were made with (1 for generations from before it was kept).</li>
 *   <li>{@code view_checkpoints(generation, topic, part, next_offset, source_position)}: per generation
 *       and topic partition, the next offset to read and the highest source position applied from it.
 *       Written in the same transaction as the view rows of the batch that reached them.</li>
 * </ul>
 */
final class FeedStore {

    enum Status { ACTIVE, BUILDING, RETIRED }

    record Generation(int generation, Status status, int schemaVersion) {
    }

    record Checkpoint(long nextOffset, long sourcePosition) {
    }

    private final JdbcTemplate jdbc;

    FeedStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void createTables() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS view_generations (generation INT PRIMARY KEY,"
                + " status VARCHAR(10) NOT NULL)");
        jdbc.execute("ALTER TABLE view_generations ADD COLUMN IF NOT EXISTS schema_version INT DEFAULT 1 NOT NULL");
        jdbc.execute("CREATE TABLE IF NOT EXISTS view_checkpoints (generation INT NOT NULL, topic VARCHAR(249) NOT NULL,"
                + " part INT NOT NULL, next_offset BIGINT NOT NULL, source_position BIGINT NOT NULL,"
                + " PRIMARY KEY (generation, topic, part))");
    }

    List<Generation> generations() {
        return jdbc.query("SELECT generation, status, schema_version FROM view_generations ORDER BY generation",
                (rs, n) -> new Generation(rs.getInt(1), Status.valueOf(rs.getString(2)), rs.getInt(3)));
    }

    void insert(int generation, Status status) {
        jdbc.update("INSERT INTO view_generations (generation, status, schema_version) VALUES (?, ?, ?)", generation,
                status.name(), ViewSchema.VERSION);
    }

    void setStatus(int generation, Status status) {
        jdbc.update("UPDATE view_generations SET status = ? WHERE generation = ?", status.name(), generation);
    }

    void forget(int generation) {
        jdbc.update("DELETE FROM view_checkpoints WHERE generation = ?", generation);
        jdbc.update("DELETE FROM view_generations WHERE generation = ?", generation);
    }

    Map<TopicPartition, Checkpoint> checkpoints(int generation) {
        Map<TopicPartition, Checkpoint> checkpoints = new HashMap<>();
        jdbc.query("SELECT topic, part, next_offset, source_position FROM view_checkpoints WHERE generation = ?",
                rs -> {
                    checkpoints.put(new TopicPartition(rs.getString(1), rs.getInt(2)),
                            new Checkpoint(rs.getLong(3), rs.getLong(4)));
                }, generation);
        return checkpoints;
    }

    /** Saves a partition's checkpoint; call inside the batch's transaction. */
    void save(int generation, TopicPartition partition, Checkpoint checkpoint) {
        int updated = jdbc.update("UPDATE view_checkpoints SET next_offset = ?, source_position = ?"
                        + " WHERE generation = ? AND topic = ? AND part = ?", checkpoint.nextOffset(),
                checkpoint.sourcePosition(), generation, partition.topic(), partition.partition());
        if (updated == 0) {
            jdbc.update("INSERT INTO view_checkpoints (generation, topic, part, next_offset, source_position)"
                            + " VALUES (?, ?, ?, ?, ?)", generation, partition.topic(), partition.partition(),
                    checkpoint.nextOffset(), checkpoint.sourcePosition());
        }
    }
}
