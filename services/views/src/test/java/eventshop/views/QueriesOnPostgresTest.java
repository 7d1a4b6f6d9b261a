package eventshop.views;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link QueriesTest} with the views' read models of the topics (order history, listing, dashboards), the consumers' offsets and idempotency records on PostgreSQL, as the
 * distributed topology keeps them: the store's one database, in schema {@code views}, which the service's start
 * creates (Flyway) before anything uses it.
 */
class QueriesOnPostgresTest extends QueriesTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "views");
    }

    @Autowired
    DataSource readModels;

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo("views");
        assertThat(database.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'views'",
                String.class)).contains("processed_messages", "projection_generations", "eventsourcing_schema_history",
                "flyway_schema_history");
    }
}
