package eventshop.catalog.stock;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link StockLevelsTest} with the catalog's stock levels (its own table, a Flyway migration), the consumers' offsets and idempotency records on PostgreSQL, as the
 * distributed topology keeps them: the store's one database, in schema {@code catalog}, which the service's start
 * creates (Flyway) before anything uses it.
 */
class StockLevelsOnPostgresTest extends StockLevelsTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "catalog");
    }

    @Autowired
    DataSource readModels;

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo("catalog");
        assertThat(database.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'catalog'",
                String.class)).contains("stock_levels", "processed_messages", "projection_generations",
                "eventsourcing_schema_history", "flyway_schema_history");
    }
}
