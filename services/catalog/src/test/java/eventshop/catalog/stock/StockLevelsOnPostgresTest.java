package eventshop.catalog.stock;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link StockLevelsTest} with the catalog's stock levels, the consumers' offsets and idempotency
 * records on PostgreSQL, as the distributed topology keeps them ({@link TestDatabases#readModelsOnPostgres}).
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
        TestDatabases.assertReadModelsOnPostgres(readModels, "catalog", "stock_levels");
    }
}
