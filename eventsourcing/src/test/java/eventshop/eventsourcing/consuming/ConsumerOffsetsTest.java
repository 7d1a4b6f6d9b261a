package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A flush of the consumers' offsets on both topologies' databases: it moves rows forward, inserts the partitions the
 * database has not seen, and leaves a row that is further on (another instance of the service wrote it) as it is,
 * without losing the rest of the flush (on PostgreSQL a duplicate key aborts the transaction it happens in).
 */
class ConsumerOffsetsTest {

    abstract static class Contract {

        abstract DataSource database();

        @Test
        void aFlush_movesForward_insertsNewPartitions_andNeverMovesBack() {
            // given partition 0 stored further on than this instance got, and partition 2 behind it
            DataSource database = database();
            JdbcTemplate jdbc = new JdbcTemplate(database);
            jdbc.update("INSERT INTO consumer_offsets (group_id, topic, partition_no, next_offset) "
                    + "VALUES ('carts', 'catalog.events', 0, 50)");
            jdbc.update("INSERT INTO consumer_offsets (group_id, topic, partition_no, next_offset) "
                    + "VALUES ('carts', 'catalog.events', 2, 3)");
            try (ConsumerOffsets offsets = new ConsumerOffsets(database, new DataSourceTransactionManager(database),
                    Duration.ofHours(1), Duration.ofSeconds(1))) {
                // when this instance finished records on partitions 0, 1 (new to the database) and 2, and flushes
                offsets.finished("carts", "catalog.events", 0, 9);
                offsets.finished("carts", "catalog.events", 1, 4);
                offsets.finished("carts", "catalog.events", 2, 7);
                offsets.flush();

                // then
                List<Map<String, Object>> rows = jdbc.queryForList("SELECT partition_no, next_offset FROM consumer_offsets"
                        + " WHERE group_id = 'carts' ORDER BY partition_no");
                assertThat(rows).extracting(row -> ((Number) row.get("next_offset")).longValue())
                        .containsExactly(50L, 5L, 8L);
            }
        }
    }

    @Nested
    class OnH2 extends Contract {
        @Override
        DataSource database() {
            return TestDatabases.h2("consumer-offsets");
        }
    }

    @Nested
    class OnPostgres extends Contract {
        @Override
        DataSource database() {
            return TestDatabases.newPostgresDatabase("consumer_offsets");
        }
    }
}
