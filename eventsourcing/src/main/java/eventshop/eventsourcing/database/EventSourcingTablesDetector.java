package eventshop.eventsourcing.database;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Makes {@link EventSourcingTables} a database initializer for Boot: beans that depend on database
 * initialization (JDBC templates, {@code @DependsOnDatabaseInitialization} beans such as the starter's
 * consumers, relay checkpoints and projections) are created after the starter's tables are migrated.
 */
public final class EventSourcingTablesDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(EventSourcingTables.class);
    }
}
