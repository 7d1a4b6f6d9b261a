package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyProperties;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.consuming.KafkaClientSettings;
import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.leadership.LeadershipAutoConfiguration;
import eventshop.eventsourcing.leadership.SoleInstance;
import eventshop.eventstore.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs every {@link ReadModel} bean ({@link Projection}s of the service's log, {@link TopicProjection}s
 * of Kafka topics, whose consumers reach the Kafka binder's brokers with its settings and
 * {@code eventshop.projections.consumer}) against the service's read-model {@link DataSource}
 * ({@link Projections}, started and stopped with the context, run by the instance that leads the
 * service's {@link Leadership} role and followed by the others), the query-side consistency-token
 * wait ({@link ReadYourWrites}, {@code eventshop.consistency.max-wait}), and for operations the
 * {@code projections} actuator endpoint, the {@code projections} health indicator and
 * {@code projectionsReadiness} in the readiness group.
 */
@AutoConfiguration(after = {EventSourcingAutoConfiguration.class, DataSourceAutoConfiguration.class})
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean({EventStore.class, DataSource.class})
@EnableConfigurationProperties({ProjectionProperties.class, ConsistencyProperties.class})
public class ProjectionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ReadYourWrites readYourWrites(ConsistencyProperties properties) {
        return new ReadYourWrites(properties.maxWait());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    public Projections projections(EventSourcingProperties eventSourcing, EventStore store, DataSource dataSource,
                                   ObjectProvider<ReadModel> readModels, ProjectionProperties settings,
                                   ReadYourWrites readYourWrites, ObjectProvider<MeterRegistry> meters,
                                   ObjectProvider<Leadership> leadership, ObjectProvider<Tracer> tracer,
                                   Environment environment) {
        Map<String, Object> kafka = KafkaClientSettings.of(environment);
        kafka.putAll(settings.consumer());
        return new Projections(eventSourcing.serviceName(), store, dataSource, readModels.orderedStream().toList(),
                settings, readYourWrites, meters.getIfAvailable(), kafka,
                leadership.getIfAvailable(() -> new SoleInstance(LeadershipAutoConfiguration.ROLE)), tracer.getIfAvailable());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Endpoint.class, HealthIndicator.class})
    static class Operations {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        ProjectionsEndpoint projectionsEndpoint(Projections projections) {
            return new ProjectionsEndpoint(projections);
        }

        @Bean
        @ConditionalOnEnabledHealthIndicator("projections")
        ProjectionsHealthIndicator projectionsHealthIndicator(Projections projections) {
            return ProjectionsHealthIndicator.status(projections);
        }

        @Bean
        @ConditionalOnEnabledHealthIndicator("projections")
        ProjectionsHealthIndicator projectionsReadinessHealthIndicator(Projections projections) {
            return ProjectionsHealthIndicator.readiness(projections);
        }

        @Bean
        @ConditionalOnEnabledHealthIndicator("projections")
        @ConditionalOnBooleanProperty(name = "management.endpoint.health.probes.enabled", matchIfMissing = true)
        ReadinessMember projectionsReadinessMember() {
            return new ReadinessMember("projectionsReadiness");
        }
    }
}
