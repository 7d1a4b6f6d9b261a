package eventshop.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.testing.TestDatabases;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link QueriesTest} with the views' read models of the topics (order history, listing, dashboards),
 * their offsets and the consumers' records on PostgreSQL, as the distributed topology keeps them: the store's one
 * database, in schema {@code views}, which the service's start creates (Flyway) before anything uses it.
 *
 * <p>The topics are the module's shared broker's, where the classes before this one left their content: this
 * context first reads all of it, and its queries wait at most the test's consistency limit (1 s) for a token. So the
 * tests begin once the read model is ready (caught up with what the topics held at its start), as a service's
 * readiness holds back its traffic.
 */
class QueriesOnPostgresTest extends QueriesTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "views");
    }

    @Autowired
    DataSource readModels;
    @Autowired
    Projections projections;

    @BeforeEach
    void theViewsAreReady() {
        await().atMost(Duration.ofMinutes(2)).until(projections::ready);
    }

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo("views");
        assertThat(database.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'views'",
                String.class)).contains("processed_messages", "projection_generations", "eventsourcing_schema_history")
                .doesNotContain("flyway_schema_history"); // no tables of its own, so Boot's Flyway does not run
    }
}
