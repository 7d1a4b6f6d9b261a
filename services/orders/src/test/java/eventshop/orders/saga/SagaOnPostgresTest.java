package eventshop.orders.saga;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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

    @Autowired
    DataSource readModels;

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        TestDatabases.assertReadModelsOnPostgres(readModels, "orders", "customer_standings");
    }
}
