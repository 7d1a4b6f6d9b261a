package eventshop.eventsourcing.database;

import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The starter's tables in the application's read-model database ({@link EventSourcingTables}), migrated when the
 * context starts and before any bean that depends on database initialization ({@link EventSourcingTablesDetector}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class DatabaseAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public EventSourcingTables eventSourcingTables(DataSource dataSource, Environment environment) {
        return EventSourcingTables.migrate(dataSource, EventSourcingTables.schema(environment));
    }
}
