package eventshop.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link StockControllerTest} with inventory's stock-level read model and its pages, the consumers' offsets and idempotency records on PostgreSQL, as the
 * distributed topology keeps them: the store's one database, in schema {@code inventory}, which the service's start
 * creates (Flyway) before anything uses it.
 */
class StockControllerOnPostgresTest extends StockControllerTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "inventory");
    }

    @Autowired
    DataSource readModels;

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo("inventory");
        assertThat(database.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'inventory'",
                String.class)).contains("processed_messages", "projection_generations", "eventsourcing_schema_history")
                .doesNotContain("flyway_schema_history"); // no tables of its own, so Boot's Flyway does not run
    }
}
