package eventshop.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every test of {@link AccountsApiTest} with accounts' read models (credentials, profiles, mailboxes), the consumers' offsets and idempotency records on PostgreSQL, as the
 * distributed topology keeps them: the store's one database, in schema {@code accounts}, which the service's start
 * creates (Flyway) before anything uses it.
 */
class AccountsApiOnPostgresTest extends AccountsApiTest {

    @DynamicPropertySource
    static void readModelsOnPostgres(DynamicPropertyRegistry registry) {
        TestDatabases.readModelsOnPostgres(registry, "accounts");
    }

    @Autowired
    DataSource readModels;

    @Test
    void theReadModels_areOnPostgres_inTheServicesSchema() {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo("accounts");
        assertThat(database.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = 'accounts'",
                String.class)).contains("processed_messages", "projection_generations", "eventsourcing_schema_history")
                .doesNotContain("flyway_schema_history"); // no tables of its own, so Boot's Flyway does not run
    }
}
