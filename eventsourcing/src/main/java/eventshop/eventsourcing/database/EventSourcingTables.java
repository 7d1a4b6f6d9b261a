package eventshop.eventsourcing.database;

import java.util.Arrays;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The starter's own tables in an application's read-model database, made by the Flyway migrations in
 * {@value #LOCATION}: {@code consumer_offsets}, {@code processed_messages}, {@code parked_replays},
 * {@code relay_checkpoints}, {@code projection_generations} and {@code projection_offsets}. The same
 * migrations run on H2 (embedded topology) and PostgreSQL (distributed topology).
 *
 * <p>They keep their own history table, {@value #HISTORY}, next to the application's own migrations
 * ({@code db/<spring.application.name>}, run by Boot's Flyway into {@code flyway_schema_history}; see
 * {@link DatabaseDefaults}): the two sequences of versions never collide, so the starter adds a migration
 * without knowing the versions of any application, and an application without tables of its own needs no
 * migrations at all. Both histories live in the read models' schema.
 *
 * <p>A database with tables but without this history (made before these migrations existed, when the
 * classes created their tables at start, or holding the application's own migrations already) is
 * baselined at version 0, and version 1 then runs: it is idempotent ({@code IF NOT EXISTS}), so such a
 * database keeps its rows.
 *
 * <p>The projection runtime's generation tables ({@code <table>_g<n>}, rebuilt blue/green) are not
 * migrated: their names change with every generation, so the runtime creates and drops them.
 */
public final class EventSourcingTables {

    /** Where the starter's migrations are, on the classpath. */
    public static final String LOCATION = "classpath:db/eventsourcing";
    /** The starter's history table, in the read models' schema. */
    public static final String HISTORY = "eventsourcing_schema_history";

    private final @Nullable String schema;
    private final int migrationsApplied;

    private EventSourcingTables(@Nullable String schema, int migrationsApplied) {
        this.schema = schema;
        this.migrationsApplied = migrationsApplied;
    }

    /** Migrates the database's default schema (tests, and an H2 read-model database). */
    public static EventSourcingTables migrate(DataSource dataSource) {
        return migrate(dataSource, null);
    }

    /**
     * Migrates {@code schema} of the database, creating the schema if missing; null for the connections'
     * default schema.
     *
     * @throws IllegalStateException if a migration fails (the application cannot run without its tables)
     */
    public static EventSourcingTables migrate(DataSource dataSource, @Nullable String schema) {
        var configuration = Flyway.configure(EventSourcingTables.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .baselineOnMigrate(true)
                .baselineVersion("0");
        if (schema != null) {
            configuration = configuration.schemas(schema).createSchemas(true);
        }
        try {
            MigrateResult result = configuration.load().migrate();
            return new EventSourcingTables(schema, result.migrationsExecuted);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot migrate the starter's tables" + (schema == null ? "" : " in schema "
                    + schema) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The read models' schema an application configured: the first of {@code spring.flyway.schemas} (which
     * {@link DatabaseDefaults} takes from {@code spring.datasource.hikari.schema}), or null for the connections'
     * default.
     */
    static @Nullable String schema(Environment environment) {
        String schemas = environment.getProperty("spring.flyway.schemas", "");
        return Arrays.stream(schemas.split(",")).map(String::trim).filter(s -> !s.isEmpty()).findFirst().orElse(null);
    }

    /** How many migrations this start applied (0 when the database was up to date). */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    @Override
    public String toString() {
        return "the starter's tables (" + Objects.requireNonNullElse(schema, "default schema") + ", "
                + migrationsApplied + " migrations applied at start)";
    }
}
