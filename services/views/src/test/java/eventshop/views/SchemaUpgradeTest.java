package eventshop.views;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.views.feed.ViewFeed;
import eventshop.views.model.ViewSchema;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A views database made by an earlier version (tables of schema 1, no schema version recorded) is not
 * read with this version's queries: at start its generation is replaced by one built from the topics.
 */
@ViewsTest
class SchemaUpgradeTest {

    @Autowired
    ViewFeed feed;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aGenerationOfTheOldSchema_isReplacedAtStart_byOneBuiltFromTheTopics() {
        // given a database as the previous version left it
        String database = "views-upgrade-" + UUID.randomUUID();
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        JdbcTemplate old = new JdbcTemplate(dataSource);
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
            assertThat(upgraded.hash()).isEqualTo(Snapshot.caughtUp(feed, jdbc).hash());
            assertThat(old.queryForList("SELECT generation, status, schema_version FROM view_generations"))
                    .singleElement().satisfies(row -> assertThat(row).containsEntry("GENERATION", 2)
                            .containsEntry("STATUS", "ACTIVE").containsEntry("SCHEMA_VERSION", ViewSchema.VERSION));
            assertThat(old.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE UPPER(TABLE_NAME) = 'ORDER_HISTORY_G1'", Integer.class)).isZero();
        }
    }
}
