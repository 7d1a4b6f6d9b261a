package eventshop.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link ProjectionsTest} with the read models on PostgreSQL, as the distributed topology keeps them:
 * the JVM's embedded server ({@link TestDatabases#postgres()}), a database of its own per test.
 */
class ProjectionsOnPostgresTest extends ProjectionsTest {

    @Test
    void theReadModels_areOnPostgres() throws SQLException {
        try (ReadModelDatabase database = database(); Connection connection = database.dataSource().getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }

    @Override
    ReadModelDatabase database() {
        return new ReadModelDatabase(TestDatabases.newPostgresDatabase("projections"), () -> { });
    }
}
