package eventshop.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every test of {@link ProjectionsTest} with the read models on PostgreSQL, as the distributed topology keeps them:
 * one embedded server for the class, a database of its own per test.
 */
class ProjectionsOnPostgresTest extends ProjectionsTest {

    private static EmbeddedPostgres postgres;

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

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    @Test
    void theReadModels_areOnPostgres() throws SQLException {
        try (ReadModelDatabase database = database(); Connection connection = database.dataSource().getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }

    @Override
    ReadModelDatabase database() {
        String name = "projections_" + UUID.randomUUID().toString().replace("-", "");
        JdbcTemplate server = new JdbcTemplate(postgres().getPostgresDatabase());
        server.execute("CREATE DATABASE " + name);
        DataSource database = postgres().getDatabase("postgres", name);
        return new ReadModelDatabase(database, () -> { });
    }
}
