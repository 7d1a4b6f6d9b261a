package eventshop.carts.cart;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link CartApiTest} with carts' price view, the consumers' offsets and idempotency
 * records on PostgreSQL, as the distributed topology keeps them ({@link TestDatabases#readModelsOnPostgres}).
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
        TestDatabases.assertReadModelsOnPostgres(readModels, "carts", "prices");
    }
}
