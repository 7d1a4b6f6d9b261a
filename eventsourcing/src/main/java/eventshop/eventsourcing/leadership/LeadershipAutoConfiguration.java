package eventshop.eventsourcing.leadership;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.config.EventSourcingProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * The service's {@link Leadership} of its once-per-service work (role {@value #ROLE}: the log relay, the
 * projections and the service's timers, together): on PostgreSQL an {@link AdvisoryLockLeadership}
 * (started and stopped with the context), else a {@link SoleInstance}; see {@link LeadershipProperties}.
 * Gauge {@code leadership.leading} (tag {@code role}): 1 on the leader, 0 on a standby.
 *
 * <p>One role for all of it, not one per kind of work: the timers read the read models the projections
 * keep, and the relay and the projections each cost little next to the commands, so spreading them over
 * instances gains nothing; one role is one lock session per instance, and failover moves all of it at once.
 */
@AutoConfiguration(after = EventSourcingAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        beforeName = {"eventshop.eventsourcing.projection.ProjectionAutoConfiguration",
                "eventshop.eventsourcing.relay.RelayAutoConfiguration"})
@EnableConfigurationProperties(LeadershipProperties.class)
// only where the service keeps a log (web and functions keep none: nothing of theirs runs once per service)
@ConditionalOnBean(EventSourcingProperties.class)
public class LeadershipAutoConfiguration {

    /** The role of a service's once-per-service work. */
    public static final String ROLE = "singletons";

    @Bean
    @ConditionalOnMissingBean
    public Leadership leadership(EventSourcingProperties eventSourcing, LeadershipProperties properties,
                                 ObjectProvider<DataSource> dataSource, ObjectProvider<MeterRegistry> meters) {
        DataSource database = dataSource.getIfAvailable();
        boolean lock = switch (properties.mode()) {
            case SOLE -> false;
            case ADVISORY_LOCK -> {
                if (database == null || !isPostgres(database)) {
                    throw new IllegalStateException("eventshop.leadership.mode=advisory-lock needs the service's "
                            + "DataSource on PostgreSQL");
                }
                yield true;
            }
            case AUTO -> database != null && isPostgres(database);
        };
        Leadership leadership = lock
                ? new AdvisoryLockLeadership(database, eventSourcing.serviceName(), ROLE, properties.retryInterval(),
                        properties.checkInterval(), properties.lease())
                : new SoleInstance(ROLE);
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            Gauge.builder("leadership.leading", leadership, role -> role.leading() ? 1 : 0).tag("role", ROLE)
                    .description("1 while this instance leads the role (runs the relay, projections, timers), else 0")
                    .register(registry);
        }
        return leadership;
    }

    @Bean
    public Elector eventshopLeadershipElector(Leadership leadership) {
        return new Elector(leadership);
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tell which database the service's DataSource is", e);
        }
    }

    /** Starts an {@link AdvisoryLockLeadership}'s elector with the context (before the work), stops it after. */
    public static final class Elector implements SmartLifecycle {

        private final Leadership leadership;

        Elector(Leadership leadership) {
            this.leadership = leadership;
        }

        @Override
        public void start() {
            if (leadership instanceof AdvisoryLockLeadership lock) {
                lock.start();
            }
        }

        @Override
        public void stop() {
            if (leadership instanceof AdvisoryLockLeadership lock) {
                lock.stop();
            }
        }

        @Override
        public boolean isRunning() {
            return leadership instanceof AdvisoryLockLeadership lock && lock.isRunning();
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE + 1000;
        }
    }
}
