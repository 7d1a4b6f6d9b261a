package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consuming.ConsumerLags;
import eventshop.eventsourcing.consuming.ConsumingAutoConfiguration;
import eventshop.eventsourcing.consuming.ParkedMessages;
import eventshop.eventsourcing.projection.ProjectionAutoConfiguration;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.relay.LogRelay;
import eventshop.eventsourcing.relay.RelayAutoConfiguration;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The operations console's actions and pictures in a service with a log (docs/operations.md): the overview
 * ({@link OpsOverview}, with the {@link OpsSampler} of its rates), the read models ({@link OpsProjections}, where
 * the service has {@link Projections}) and the parked messages ({@link OpsParked}, where it has
 * {@link ParkedMessages}), and their admin-only endpoints in a servlet web application. Each part appears only
 * where the service has what it shows: a relay, consumers, read models and dead-letter topics exist only in some
 * services.
 */
@AutoConfiguration(after = {OpsAutoConfiguration.class, ProjectionAutoConfiguration.class,
        RelayAutoConfiguration.class, ConsumingAutoConfiguration.class})
@ConditionalOnBean({EventStore.class, OpsAudit.class})
public class OpsActionsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public OpsSampler opsSampler(EventStore store, ObjectProvider<Projections> projections, Clock clock) {
        return new OpsSampler(store::headPosition, () -> {
            Projections runtime = projections.getIfAvailable();
            return runtime == null ? List.of() : runtime.status();
        }, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Projections.class)
    public OpsProjections opsProjections(Projections projections, DataSource dataSource, OpsAudit audit,
                                        OpsSampler sampler, Clock clock) {
        return new OpsProjections(projections, dataSource, audit, sampler, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ParkedMessages.class)
    public OpsParked opsParked(ParkedMessages parked, OpsAudit audit, PersonalData personalData, Clock clock) {
        return new OpsParked(parked, audit, personalData, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    public OpsOverview opsOverview(EventSourcingProperties properties, EventStore store, OpsSampler sampler,
                                   ObjectProvider<LogRelay> relay, ObjectProvider<ConsumerLags> lags,
                                   ObjectProvider<OpsProjections> projections, ObjectProvider<ParkedMessages> parked,
                                   Clock clock) {
        return new OpsOverview(properties.serviceName(), store, sampler, relay.getIfAvailable(),
                lags.getIfAvailable(), projections.getIfAvailable(), parked.getIfAvailable(), clock);
    }

    /**
     * The endpoints, in a servlet web application, each where the service has what it serves (conditions on the
     * beans the services above need: this class is read before the outer one's beans are defined).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Endpoints {

        @Bean
        OpsOverviewController opsOverviewController(OpsOverview overview) {
            return new OpsOverviewController(overview);
        }

        @Bean
        @ConditionalOnBean(Projections.class)
        OpsProjectionsController opsProjectionsController(OpsProjections projections) {
            return new OpsProjectionsController(projections);
        }

        @Bean
        @ConditionalOnBean(ParkedMessages.class)
        OpsParkedController opsParkedController(OpsParked parked) {
            return new OpsParkedController(parked);
        }
    }
}
