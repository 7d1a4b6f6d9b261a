package eventshop.eventsourcing.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.testing.TestDatabases;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The read-model database's fixed tables: the starter's ({@link EventSourcingTables}, {@code db/eventsourcing}) and
 * an application's own ({@code db/<spring.application.name>}, Boot's Flyway with {@link DatabaseDefaults}), on a new
 * database, on one made by the versions that created the tables at start, and on PostgreSQL in a schema of the
 * application's own that does not exist yet.
 */
class EventSourcingTablesTest {

    static final List<String> STARTER_TABLES = List.of("consumer_offsets", "processed_messages", "parked_replays",
            "relay_checkpoints", "projection_generations", "projection_offsets");

    /** The statements the starter's classes ran at every start before the migrations existed. */
    static final List<String> OLD_DDL = List.of(
            "CREATE TABLE IF NOT EXISTS consumer_offsets (group_id VARCHAR(200) NOT NULL, topic VARCHAR(249) NOT NULL,"
                    + " partition_no INT NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (group_id, topic, partition_no))",
            "CREATE TABLE IF NOT EXISTS processed_messages (consumer VARCHAR(200) NOT NULL, event_id VARCHAR(64) NOT NULL,"
                    + " processed_at TIMESTAMP NOT NULL, PRIMARY KEY (consumer, event_id))",
            // as the first versions made it, before a parked message could be discarded
            "CREATE TABLE IF NOT EXISTS parked_replays (dead_letter_topic VARCHAR(250) NOT NULL, dlq_partition INT NOT NULL,"
                    + " dlq_offset BIGINT NOT NULL, replayed_at TIMESTAMP NOT NULL,"
                    + " PRIMARY KEY (dead_letter_topic, dlq_partition, dlq_offset))",
            "CREATE TABLE IF NOT EXISTS relay_checkpoints (relay VARCHAR(200) PRIMARY KEY, position BIGINT NOT NULL,"
                    + " updated_at TIMESTAMP NOT NULL)",
            "CREATE TABLE IF NOT EXISTS projection_generations (projection_name VARCHAR(40) NOT NULL, generation INTEGER"
                    + " NOT NULL, code_version INTEGER NOT NULL, status VARCHAR(10) NOT NULL, applied_position BIGINT NOT NULL,"
                    + " PRIMARY KEY (projection_name, generation))",
            "CREATE TABLE IF NOT EXISTS projection_offsets (projection_name VARCHAR(40) NOT NULL, generation INTEGER NOT NULL,"
                    + " topic VARCHAR(249) NOT NULL, part INTEGER NOT NULL, next_offset BIGINT NOT NULL, source_position BIGINT"
                    + " NOT NULL, PRIMARY KEY (projection_name, generation, topic, part))",
            // a generation of a read model, which the projection runtime made and keeps making
            "CREATE TABLE entries_by_day_g1 (day_start VARCHAR(10) PRIMARY KEY, total BIGINT NOT NULL)",
            // the application's own table, as its class made it at start
            "CREATE TABLE IF NOT EXISTS entries (entry_id VARCHAR(40) PRIMARY KEY, amount BIGINT NOT NULL)");

    /** The application "ledger" with the starter's database part and Boot's Flyway, as a service starts. */
    private final ApplicationContextRunner ledger = new ApplicationContextRunner()
            .withInitializer(context -> new DatabaseDefaults().postProcessEnvironment(context.getEnvironment(),
                    new SpringApplication()))
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    FlywayAutoConfiguration.class, DatabaseAutoConfiguration.class))
            .withPropertyValues("spring.application.name=ledger");

    @Nested
    class OnH2 {

        @Test
        void aNewDatabase_getsTheStartersTables_once() {
            JdbcConnectionPool database = JdbcConnectionPool.create("jdbc:h2:mem:tables-" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1", "sa", "");
            try {
                assertThat(EventSourcingTables.migrate(database).migrationsApplied()).isEqualTo(1);
                assertThat(tables(database)).containsAll(STARTER_TABLES).contains(EventSourcingTables.HISTORY);

                assertThat(EventSourcingTables.migrate(database).migrationsApplied()).isZero();
            } finally {
                database.dispose();
            }
        }

        @Test
        void aDatabaseMadeByTheOldDdl_keepsItsRows_andGetsTheMissingColumns() {
            // given a read-model database as the versions before the migrations left it, with rows
            String url = "jdbc:h2:mem:old-ddl-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            JdbcConnectionPool old = JdbcConnectionPool.create(url, "sa", "");
            JdbcTemplate jdbc = new JdbcTemplate(old);
            OLD_DDL.forEach(jdbc::execute);
            jdbc.update("INSERT INTO consumer_offsets VALUES ('ledger', 'orders.events', 0, 42)");
            jdbc.update("INSERT INTO parked_replays VALUES ('error.orders.events.ledger', 0, 7, CURRENT_TIMESTAMP)");
            jdbc.update("INSERT INTO projection_generations VALUES ('entries-by-day', 1, 1, 'ACTIVE', 99)");
            jdbc.update("INSERT INTO entries_by_day_g1 VALUES ('2026-12-07', 1250)");
            jdbc.update("INSERT INTO entries VALUES ('e-1', 1250)");

            // when the new code starts on it
            ledger.withPropertyValues("spring.datasource.url=" + url).run(context -> {
                // then it started, and every row is still there
                assertThat(context).hasNotFailed();
                JdbcTemplate started = context.getBean(JdbcTemplate.class);
                assertThat(started.queryForObject("SELECT next_offset FROM consumer_offsets", Long.class)).isEqualTo(42);
                assertThat(started.queryForObject("SELECT applied_position FROM projection_generations", Long.class))
                        .isEqualTo(99);
                assertThat(started.queryForObject("SELECT total FROM entries_by_day_g1", Long.class)).isEqualTo(1250);
                assertThat(started.queryForObject("SELECT amount FROM entries", Long.class)).isEqualTo(1250);
                // the parked replay of the first versions is a replay, and discarding has its columns
                assertThat(started.queryForObject("SELECT status FROM parked_replays", String.class)).isEqualTo("REPLAYED");
                assertThat(started.update("UPDATE parked_replays SET reason = 'checked', handled_by = 'admin'")).isOne();
                // both histories: baselined below version 1, then version 1
                assertThat(versions(started, EventSourcingTables.HISTORY)).containsExactly("0", "1");
                assertThat(versions(started, "flyway_schema_history")).containsExactly("0", "1");
            });
            old.dispose();
        }

        @Test
        void aNewDatabase_getsTheApplicationsOwnTables_fromItsOwnFolder() {
            ledger.withPropertyValues("spring.datasource.url=jdbc:h2:mem:new-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(tables(context.getBean(DataSource.class))).containsAll(STARTER_TABLES).contains("entries");
                    });
        }

        @Test
        void anApplicationWithoutTablesOfItsOwn_runsOnlyTheStartersMigrations() {
            ledger.withPropertyValues("spring.application.name=shop",
                            "spring.datasource.url=jdbc:h2:mem:shop-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean(Flyway.class);
                        assertThat(tables(context.getBean(DataSource.class))).containsAll(STARTER_TABLES)
                                .doesNotContain("flyway_schema_history");
                    });
        }

        @Test
        void aMigrationChangedAfterItRan_failsTheStart() {
            // given a database whose version 1 was applied from another text than the starter's
            JdbcConnectionPool database = JdbcConnectionPool.create("jdbc:h2:mem:changed-" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1", "sa", "");
            EventSourcingTables.migrate(database);
            new JdbcTemplate(database).update("UPDATE \"" + EventSourcingTables.HISTORY + "\" SET \"checksum\" = 1"
                    + " WHERE \"version\" = '1'");
            try {
                assertThatThrownBy(() -> EventSourcingTables.migrate(database))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot migrate the starter's tables");
            } finally {
                database.dispose();
            }
        }
    }

    @Nested
    class OnPostgres {

        @Test
        void aSchemaThatDoesNotExistYet_isCreated_andHoldsTablesAndHistories() {
            // given the distributed topology's settings: the store's database, the application's schema on the pool
            String schema = "ledger_" + UUID.randomUUID().toString().substring(0, 8);
            ledger.withPropertyValues("spring.datasource.url=" + TestDatabases.storeDatabaseUrl(),
                            "spring.datasource.username=postgres", "spring.datasource.password=",
                            "spring.datasource.hikari.schema=" + schema)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                        assertThat(jdbc.queryForObject("SELECT current_schema()", String.class)).isEqualTo(schema);
                        List<String> inSchema = jdbc.queryForList("SELECT table_name FROM information_schema.tables"
                                + " WHERE table_schema = ?", String.class, schema);
                        assertThat(inSchema).containsAll(STARTER_TABLES).contains("entries", EventSourcingTables.HISTORY,
                                "flyway_schema_history");
                        // unqualified names reach the schema's tables, and nothing went to the default schema
                        jdbc.update("INSERT INTO entries VALUES ('e-1', 5)");
                        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + schema + ".entries", Integer.class))
                                .isOne();
                        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM information_schema.tables"
                                + " WHERE table_schema = 'public'", Integer.class)).isZero();
                    });
        }
    }

    static List<String> tables(DataSource dataSource) {
        return new JdbcTemplate(dataSource).queryForList("SELECT LOWER(table_name) FROM information_schema.tables"
                + " WHERE LOWER(table_schema) = LOWER(CURRENT_SCHEMA)", String.class);
    }

    static List<String> versions(JdbcTemplate jdbc, String history) {
        // (Flyway notes the history table's creation in a row without a version)
        return jdbc.queryForList("SELECT \"version\" FROM \"" + history + "\" WHERE \"version\" IS NOT NULL"
                + " ORDER BY \"installed_rank\"", String.class);
    }
}
