package eventshop.carts.cart;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link CartApiTest} with carts' price view (its own table, a Flyway migration), the consumers' offsets and idempotency records on PostgreSQL, as the
 * distributed topology keeps them: the store's one database, in schema {@code carts}, which the service's start
 * creates (Flyway) before anything uses it.
 */
class CartApiOnPostgresTest extends CartApiTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "carts");
    }

    @Autowired
    DataSource readModels;

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo("carts");
        assertThat(database.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'carts'",
                String.class)).contains("prices", "processed_messages", "projection_generations",
                "eventsourcing_schema_history", "flyway_schema_history");
    }
}
