package eventshop.views;

import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.testing.TestDatabases;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link QueriesTest} with the views' read models of the topics (order history, listing, dashboards),
 * their offsets and the consumers' records on PostgreSQL, as the distributed topology keeps them
 * ({@link TestDatabases#readModelsOnPostgres}).
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
        TestDatabases.assertReadModelsOnPostgres(readModels, "views");
    }
}
