package eventshop.eventsourcing.database;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * How an application's own read-model tables are migrated by Boot's Flyway, as the lowest-precedence property
 * source (an application or the environment may set any of them):
 *
 * <ul>
 *   <li>{@code spring.flyway.enabled} only where that folder exists: an application without fixed tables of its
 *       own has nothing for Boot's Flyway to do (so no history table, no "no migrations found" warning and no
 *       start-up time; {@link EventSourcingTables} makes the starter's tables, and the schema, all the same);</li>
 *   <li>{@code spring.flyway.locations=classpath:db/<spring.application.name>}: in the launcher every
 *       application shares one classpath, so each has a folder of its own, never Boot's shared
 *       {@code db/migration}; the starter's own migrations ({@code db/eventsourcing}) are run apart, by
 *       {@link EventSourcingTables};</li>
 *   <li>{@code spring.flyway.baseline-on-migrate=true}, {@code baseline-version=0}: a database that has tables but
 *       no history (made by an earlier version that created its tables at start, or holding the starter's
 *       history already) is baselined below version 1, and the idempotent version 1 runs;</li>
 *   <li>{@code spring.flyway.schemas=${spring.datasource.hikari.schema:}}: with the read models in a schema of
 *       their own (the distributed topology: one PostgreSQL database, a schema per service, set as the pool's
 *       {@code spring.datasource.hikari.schema}), Flyway creates that schema before anything uses it and keeps its
 *       history there; empty (the connections' default schema) otherwise.</li>
 * </ul>
 */
public final class DatabaseDefaults implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "eventshopDatabaseDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String folder = "db/" + environment.getProperty("spring.application.name", "application");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(
                "spring.flyway.enabled", String.valueOf(new ClassPathResource(folder + "/",
                        application.getClassLoader()).exists()),
                "spring.flyway.locations", "classpath:" + folder,
                "spring.flyway.baseline-on-migrate", "true",
                "spring.flyway.baseline-version", "0",
                "spring.flyway.schemas", "${spring.datasource.hikari.schema:}")));
    }
}
