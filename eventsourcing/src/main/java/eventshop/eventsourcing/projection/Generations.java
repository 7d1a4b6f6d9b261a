package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.projection.Checkpoint.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry of read-model generations, in the read model's own database: table {@value #TABLE},
 * one row per generation of each read model, and for read models of Kafka topics table
 * {@value #OFFSETS}, their checkpoints per topic partition.
 *
 * <pre>
 * projection_generations
 * projection_name  VARCHAR(40)  the read model
 * generation       INTEGER      1, 2, ... (its tables are named {@code <table>_g<generation>})
 * code_version     INTEGER      {@link ReadModel#version()} of the code that built it
 * status           VARCHAR(10)  ACTIVE (queries read it; one per read model), BUILDING (being
 *                               rebuilt, not yet read) or RETIRED (replaced; tables about to be dropped)
 * applied_position BIGINT       the checkpoint in one number ({@link Checkpoint#applied()}): the last log
 *                               position applied, or the records read from the topics; -1 for none
 *
 * projection_offsets (read models of topics)
 * projection_name, generation   the generation
 * topic, part                   a topic partition it has read from
 * next_offset      BIGINT       the next offset to read there
 * source_position  BIGINT       the highest source position applied from it, -1 for none
 * </pre>
 *
 * A checkpoint is advanced in the same transaction as the tables it describes, with a compare-and-set
 * on the previous {@code applied_position} (which grows with every batch), so two runners can never
 * both apply a batch (a second instance of the service, or a runner that outlived its stop, loses and
 * rolls back), and behind the service's leadership {@link Leadership#fence fence} (only the leading instance
 * writes). Switching the active generation is one transaction too. The SQL is portable (H2,
 * PostgreSQL). Both tables are fixed, made by the starter's migrations
 * ({@link eventshop.eventsourcing.database.EventSourcingTables}); the generations' own tables are created here.
 */
final class Generations {

    static final String TABLE = "projection_generations";
    static final String OFFSETS = "projection_offsets";

    enum Status { ACTIVE, BUILDING, RETIRED }

    record Row(String projection, int generation, int codeVersion, Status status, long appliedPosition) {
    }

    /** The checkpoint was not where this runner left it: another runner applied events meanwhile. */
    static final class CheckpointMoved extends RuntimeException {
        CheckpointMoved(String projection, int generation, long expected) {
            super("the checkpoint of projection '" + projection + "' generation " + generation
                    + " is no longer at position " + expected + "; another runner applied events");
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Leadership leadership;

    /** @param leadership checkpoints advance and generations switch only behind its {@link Leadership#fence} */
    Generations(JdbcTemplate jdbc, TransactionTemplate transactions, Leadership leadership) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.leadership = leadership;
    }

    /** The generations of a projection, oldest first. */
    List<Row> of(String projection) {
        return jdbc.query("SELECT projection_name, generation, code_version, status, applied_position FROM " + TABLE
                        + " WHERE projection_name = ? ORDER BY generation",
                (rs, i) -> new Row(rs.getString(1), rs.getInt(2), rs.getInt(3), Status.valueOf(rs.getString(4)),
                        rs.getLong(5)),
                projection);
    }

    /**
     * Registers a new generation with no events applied.
     *
     * @return false if that generation already exists (another instance registered it first)
     */
    boolean insert(String projection, int generation, int codeVersion, Status status) {
        return insert(projection, generation, codeVersion, status, Checkpoint.NO_EVENTS);
    }

    /**
     * Registers a generation at {@code checkpoint} (with its offsets, for topics) in one transaction.
     *
     * @return false if that generation already exists
     */
    boolean insert(String projection, int generation, int codeVersion, Status status, Checkpoint checkpoint) {
        try {
            return Boolean.TRUE.equals(transactions.execute(tx -> {
                jdbc.update("INSERT INTO " + TABLE + " (projection_name, generation, code_version, status,"
                        + " applied_position) VALUES (?, ?, ?, ?, ?)", projection, generation, codeVersion,
                        status.name(), checkpoint.applied());
                if (checkpoint instanceof Topics topics) {
                    saveOffsets(projection, generation, topics.partitions());
                }
                return true;
            }));
        } catch (DuplicateKeyException taken) {
            return false;
        }
    }

    long appliedPosition(String projection, int generation) {
        Long position = jdbc.queryForObject("SELECT applied_position FROM " + TABLE
                + " WHERE projection_name = ? AND generation = ?", Long.class, projection, generation);
        if (position == null) {
            throw new IllegalStateException("projection '" + projection + "' has no generation " + generation);
        }
        return position;
    }

    /** The checkpoints per topic partition of a generation of a read model of topics. */
    Topics offsets(String projection, int generation) {
        Map<TopicPartition, Topics.Partition> partitions = new HashMap<>();
        jdbc.query("SELECT topic, part, next_offset, source_position FROM " + OFFSETS
                        + " WHERE projection_name = ? AND generation = ?",
                rs -> {
                    partitions.put(new TopicPartition(rs.getString(1), rs.getInt(2)),
                            new Topics.Partition(rs.getLong(3), rs.getLong(4)));
                }, projection, generation);
        return new Topics(partitions);
    }

    /** Saves these partitions' checkpoints; call inside the transaction that applied their records. */
    void saveOffsets(String projection, int generation, Map<TopicPartition, Topics.Partition> partitions) {
        partitions.forEach((tp, at) -> {
            int updated = jdbc.update("UPDATE " + OFFSETS + " SET next_offset = ?, source_position = ?"
                            + " WHERE projection_name = ? AND generation = ? AND topic = ? AND part = ?",
                    at.nextOffset(), at.sourcePosition(), projection, generation, tp.topic(), tp.partition());
            if (updated == 0) {
                jdbc.update("INSERT INTO " + OFFSETS + " (projection_name, generation, topic, part, next_offset,"
                                + " source_position) VALUES (?, ?, ?, ?, ?, ?)", projection, generation, tp.topic(),
                        tp.partition(), at.nextOffset(), at.sourcePosition());
            }
        });
    }

    /**
     * Moves the checkpoint from {@code from} to {@code to}; call inside the transaction that applied
     * the events.
     *
     * @throws CheckpointMoved if the checkpoint is not at {@code from}
     * @throws eventshop.eventsourcing.leadership.NotLeading if this instance does not lead the service's role
     */
    void advance(String projection, int generation, long from, long to) {
        leadership.fence(jdbc);
        int updated = jdbc.update("UPDATE " + TABLE + " SET applied_position = ?"
                + " WHERE projection_name = ? AND generation = ? AND applied_position = ?", to, projection, generation, from);
        if (updated != 1) {
            throw new CheckpointMoved(projection, generation, from);
        }
    }

    /** In one transaction: {@code generation} becomes ACTIVE and {@code previous} (if any) RETIRED. */
    void activate(String projection, int generation, int previous) {
        transactions.executeWithoutResult(status -> {
            leadership.fence(jdbc);
            jdbc.update("UPDATE " + TABLE + " SET status = ? WHERE projection_name = ? AND generation = ?",
                    Status.RETIRED.name(), projection, previous);
            int updated = jdbc.update("UPDATE " + TABLE + " SET status = ? WHERE projection_name = ? AND generation = ?",
                    Status.ACTIVE.name(), projection, generation);
            if (updated != 1) {
                throw new IllegalStateException("projection '" + projection + "' has no generation " + generation);
            }
        });
    }

    /** Drops a generation's tables (those that exist) and forgets it. */
    void drop(String projection, Tables tables) {
        dropTables(tables);
        transactions.executeWithoutResult(tx -> {
            jdbc.update("DELETE FROM " + OFFSETS + " WHERE projection_name = ? AND generation = ?", projection,
                    tables.generation());
            jdbc.update("DELETE FROM " + TABLE + " WHERE projection_name = ? AND generation = ?", projection,
                    tables.generation());
        });
    }

    void dropTables(Tables tables) {
        for (String table : tables.physicalNames()) {
            jdbc.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
