package eventshop.eventstore.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL server for the whole test JVM, started on first use by the tests
 * themselves (no database needs to be installed) and stopped at JVM exit. Each store under test
 * gets a fresh schema.
 *
 * <p>The tests check behaviour, not durability (no test can pull the plug on the server), so this
 * server runs with {@code fsync=off} and {@code synchronous_commit=off} to keep the suite fast on a
 * shared disk. Commit order and visibility, which the engine's guarantees rest on, are the same
 * either way. The benchmark ({@code PostgresEngineBenchmark}) runs its own server with both on.
 */
final class TestDatabase {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static volatile EmbeddedPostgres server;
    private static HikariDataSource admin;

    private TestDatabase() {
    }

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                EmbeddedPostgres started = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "400")
                        .setServerConfig("shared_buffers", "256MB")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting anyway
                    }
                }));
                server = started;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
            }
        }
        return server;
    }

    static String jdbcUrl() {
        return server().getJdbcUrl("postgres", "postgres");
    }

    static DataSource dataSource() {
        return server().getPostgresDatabase();
    }

    /** A schema name no other test uses. */
    static String freshSchema() {
        return "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** Options for a new store in a fresh schema, polling quickly so fallback tests stay short. */
    static PostgresEventStoreOptions freshOptions() {
        return PostgresEventStoreOptions.forUrl(jdbcUrl(), "postgres", null)
                .withSchema(freshSchema())
                .withMaxPoolSize(8)
                .withPollInterval(Duration.ofMillis(100));
    }

    /** A small pool for the tests' own statements. */
    static synchronized DataSource admin() {
        if (admin == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl());
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(0);
            config.setPoolName("test-admin");
            admin = new HikariDataSource(config);
        }
        return admin;
    }

    static void execute(String sql) {
        try (Connection connection = admin().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }
}
