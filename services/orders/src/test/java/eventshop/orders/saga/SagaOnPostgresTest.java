package eventshop.orders.saga;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link SagaTest} with orders' read models (order statuses, deadlines, customer standings, the
 * consumers' offsets and idempotency records) on PostgreSQL, as the distributed topology keeps them: the store's one
 * database, in schema {@code orders}, which the service's start creates (Flyway). The saga's steps, retries, deadlines
 * and compensations read and write the same tables through PostgreSQL's SQL.
 */
class SagaOnPostgresTest extends SagaTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "orders");
    }

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(jdbc.queryForObject("SELECT current_schema()", String.class)).isEqualTo("orders");
        assertThat(jdbc.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'orders'",
                String.class)).contains("customer_standings", "processed_messages", "projection_generations",
                "eventsourcing_schema_history", "flyway_schema_history");
    }
}
