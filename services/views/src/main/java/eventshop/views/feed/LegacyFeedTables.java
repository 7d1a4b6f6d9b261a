package eventshop.views.feed;

import eventshop.eventsourcing.projection.Checkpoint;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.Projections.Role;
import eventshop.views.model.ViewSchema;
import eventshop.views.model.Views;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The views' bookkeeping before they ran on the starter's projection runtime, handed to the runtime
 * once, before it starts:
 *
 * <pre>
 * view_generations(generation, status, schema_version)   ACTIVE / BUILDING / RETIRED; schema_version
 *                                                          missing in databases older than schema 2
 * view_checkpoints(generation, topic, part, next_offset, source_position)
 * </pre>
 *
 * Their tables are named as the runtime names them ({@code order_history_g<n>}), so each generation is
 * {@linkplain Projections#adopt adopted} as it is: an ACTIVE or BUILDING generation of the current
 * {@link ViewSchema#VERSION} goes on from its checkpoints without a rebuild; one of an older schema (its
 * tables cannot be read by these queries) and a RETIRED one are adopted as retired, so the runtime drops
 * their tables and, if none is left active, builds a new generation from the topics. Then the old tables
 * are dropped. Adopting is idempotent, so a start that stops half-way is finished by the next.
 */
final class LegacyFeedTables implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyFeedTables.class);

    private final Projections projections;
    private final JdbcTemplate jdbc;

    LegacyFeedTables(Projections projections, JdbcTemplate jdbc) {
        this.projections = projections;
        this.jdbc = jdbc;
    }

    private record Legacy(int generation, String status, int schemaVersion) {
    }

    @Override
    public void afterPropertiesSet() {
        if (!exists("VIEW_GENERATIONS", null)) {
            return;
        }
        String schema = exists("VIEW_GENERATIONS", "SCHEMA_VERSION") ? "schema_version" : "1";
        List<Legacy> generations = jdbc.query("SELECT generation, status, " + schema + " FROM view_generations"
                + " ORDER BY generation", (rs, n) -> new Legacy(rs.getInt(1), rs.getString(2), rs.getInt(3)));
        boolean checkpoints = exists("VIEW_CHECKPOINTS", null);
        for (Legacy legacy : generations) {
            Role role = legacy.schemaVersion() < ViewSchema.VERSION || "RETIRED".equals(legacy.status()) ? Role.RETIRED
                    : Role.valueOf(legacy.status());
            Checkpoint.Topics at = checkpoints ? checkpoint(legacy.generation()) : Checkpoint.NO_RECORDS;
            boolean adopted = projections.adopt(Views.NAME, legacy.generation(), legacy.schemaVersion(), role, at);
            LOG.info("views: generation {} of the earlier bookkeeping (schema {}, {}) {} as {}", legacy.generation(),
                    legacy.schemaVersion(), legacy.status(), adopted ? "taken over" : "was taken over before", role);
        }
        if (checkpoints) {
            jdbc.execute("DROP TABLE view_checkpoints");
        }
        jdbc.execute("DROP TABLE view_generations");
    }

    private Checkpoint.Topics checkpoint(int generation) {
        Map<TopicPartition, Checkpoint.Topics.Partition> partitions = new HashMap<>();
        jdbc.query("SELECT topic, part, next_offset, source_position FROM view_checkpoints WHERE generation = ?",
                rs -> {
                    partitions.put(new TopicPartition(rs.getString(1), rs.getInt(2)),
                            new Checkpoint.Topics.Partition(rs.getLong(3), rs.getLong(4)));
                }, generation);
        return new Checkpoint.Topics(partitions);
    }

    /** Whether the table (and column, if given) exists in the current schema. */
    private boolean exists(String table, String column) {
        Integer count = column == null
                ? jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = ?"
                        + " AND UPPER(TABLE_SCHEMA) = UPPER(CURRENT_SCHEMA)", Integer.class, table)
                : jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE UPPER(TABLE_NAME) = ?"
                        + " AND UPPER(COLUMN_NAME) = ? AND UPPER(TABLE_SCHEMA) = UPPER(CURRENT_SCHEMA)", Integer.class,
                table, column);
        return count != null && count > 0;
    }
}
