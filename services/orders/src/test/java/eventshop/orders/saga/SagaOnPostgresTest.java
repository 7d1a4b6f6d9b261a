package eventshop.orders.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link SagaTest} with orders' read models (order statuses, deadlines, customer standings, the
 * consumers' offsets and idempotency records) on PostgreSQL, as the distributed topology keeps them: the saga's
 * steps, retries, deadlines and compensations read and write the same tables through PostgreSQL's SQL.
 */
class SagaOnPostgresTest extends SagaTest {

    private static EmbeddedPostgres postgres;

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> postgres().getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    /** Started once; it stops with the JVM (its shutdown hook), after Spring's cached context that uses it. */
    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    @Test
    void theReadModels_areOnPostgres() {
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
    }
}
