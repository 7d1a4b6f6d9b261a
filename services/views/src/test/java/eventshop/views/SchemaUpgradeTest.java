package eventshop.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.database.EventSourcingTables;
import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.ViewSchema;
import eventshop.views.model.Views;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Views databases made by earlier versions. One with tables of schema 1 (no schema version recorded) is
 * not read with this version's queries: at start its generation is replaced by one built from the
 * topics. One of the bookkeeping the views kept before they ran on the projection runtime
 * ({@code view_generations}, {@code view_checkpoints}) is taken over as it is: its generation goes on
 * from its checkpoints.
 */
@ViewsTest
class SchemaUpgradeTest {

    @Autowired
    Projections projections;
    @Autowired
    JdbcTemplate jdbc;

    static JdbcTemplate database(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        return new JdbcTemplate(dataSource);
    }

    static int tables(JdbcTemplate jdbc, String name) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = ?",
                Integer.class, name);
    }

    @Test
    void aGenerationOfTheOldSchema_isReplacedAtStart_byOneBuiltFromTheTopics() {
        // given a database as the previous version left it
        String database = "views-upgrade-" + UUID.randomUUID();
        JdbcTemplate old = database(database);
        old.execute("CREATE TABLE view_generations (generation INT PRIMARY KEY, status VARCHAR(10) NOT NULL)");
        old.update("INSERT INTO view_generations (generation, status) VALUES (1, 'ACTIVE')");
        old.execute("CREATE TABLE order_history_g1 (order_id VARCHAR(100) PRIMARY KEY, customer_id VARCHAR(100) NOT NULL,"
                + " status VARCHAR(20) NOT NULL, cancellation_reason VARCHAR(20), item_count INT NOT NULL,"
                + " line_count INT NOT NULL, subtotal_cents BIGINT NOT NULL, tax_cents BIGINT NOT NULL,"
                + " total_cents BIGINT NOT NULL, placed_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
                + " confirmed_at BIGINT, placed_position BIGINT NOT NULL, version BIGINT NOT NULL)");
        Events.INSTANCE.checkout("upgrade-" + UUID.randomUUID(), UUID.randomUUID().toString(),
                java.util.List.of(Events.line("SKU-U1", 1, 100)));

        // when this version starts on it
        try (ConfigurableApplicationContext replica = TestKafka.replica(database)) {
            // then it reads a new generation of the current schema, with the same content as the main views
            Snapshot upgraded = Snapshot.caughtUp(replica);
            assertThat(upgraded.generation()).isEqualTo(2);
            assertThat(upgraded.hash()).isEqualTo(Snapshot.caughtUp(projections, jdbc).hash());
            // (the registry of generations is the projection runtime's now)
            assertThat(old.queryForList("SELECT generation, status, code_version FROM projection_generations"
                    + " WHERE projection_name = 'views'"))
                    .singleElement().satisfies(row -> assertThat(row).containsEntry("GENERATION", 2)
                            .containsEntry("STATUS", "ACTIVE").containsEntry("CODE_VERSION", ViewSchema.VERSION));
            assertThat(old.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE UPPER(TABLE_NAME) = 'ORDER_HISTORY_G1'", Integer.class)).isZero();
            assertThat(tables(old, "VIEW_GENERATIONS")).isZero();
        }
    }

    @Test
    void aDatabaseOfTheFeedsBookkeeping_isTakenOver_andGoesOnFromItsCheckpoints() {
        // given a database as the views' own feed (before the projection runtime) left it: view tables of
        // the current schema in generation 1, its generation and checkpoints in view_generations and
        // view_checkpoints (exactly that feed's layout)
        String database = "views-feed-" + UUID.randomUUID();
        String sku = "SKU-FEED" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        for (int i = 0; i < 40; i++) {
            Events.INSTANCE.order("feed-customer-" + i % 5, UUID.randomUUID().toString(),
                    List.of(Events.line(sku, 1, 100)), Events.fate(i));
        }
        try (ConfigurableApplicationContext before = TestKafka.replica(database)) {
            Snapshot.caughtUp(before);
        }
        JdbcTemplate old = database(database);
        old.execute("CREATE TABLE view_generations (generation INT PRIMARY KEY, status VARCHAR(10) NOT NULL,"
                + " schema_version INT DEFAULT 1 NOT NULL)");
        old.execute("CREATE TABLE view_checkpoints (generation INT NOT NULL, topic VARCHAR(249) NOT NULL,"
                + " part INT NOT NULL, next_offset BIGINT NOT NULL, source_position BIGINT NOT NULL,"
                + " PRIMARY KEY (generation, topic, part))");
        old.update("INSERT INTO view_generations (generation, status, schema_version) SELECT generation, status, ?"
                + " FROM projection_generations WHERE projection_name = 'views'", ViewSchema.VERSION);
        old.update("INSERT INTO view_checkpoints (generation, topic, part, next_offset, source_position)"
                + " SELECT generation, topic, part, next_offset, source_position FROM projection_offsets");
        old.execute("DROP TABLE projection_offsets");
        old.execute("DROP TABLE projection_generations");
        old.execute("DROP TABLE \"" + EventSourcingTables.HISTORY + "\""); // that feed knew no migrations either
        long read = old.queryForObject("SELECT SUM(next_offset) FROM view_checkpoints", Long.class);
        for (int i = 40; i < 80; i++) {
            Events.INSTANCE.order("feed-customer-" + i % 5, UUID.randomUUID().toString(),
                    List.of(Events.line(sku, 1, 100)), Events.fate(i));
        }
        Events.INSTANCE.flush();
        long onTheTopics = TestKafka.endOffsets();

        // when this version starts on it
        try (ConfigurableApplicationContext replica = TestKafka.replica(database)) {
            // then generation 1 serves on, having read only what came after its checkpoints
            Snapshot upgraded = Snapshot.caughtUp(replica);
            assertThat(upgraded.generation()).isEqualTo(1);
            assertThat(upgraded.hash()).isEqualTo(Snapshot.caughtUp(projections, jdbc).hash());
            Projections runtime = replica.getBean(Projections.class);
            assertThat(runtime.status(Views.NAME).active().processed()).isEqualTo(onTheTopics - read);
            assertThat(tables(old, "VIEW_GENERATIONS") + tables(old, "VIEW_CHECKPOINTS")).isZero();
            assertThat(old.queryForList("SELECT generation, status FROM projection_generations"))
                    .singleElement().satisfies(row -> assertThat(row).containsEntry("GENERATION", 1)
                            .containsEntry("STATUS", "ACTIVE"));
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.ready());
        }
    }
}
