package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consuming.KafkaClientSettings;
import eventshop.eventsourcing.relay.LogRelay;
import eventshop.eventsourcing.relay.RelayAutoConfiguration;
import eventshop.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The operations console's view of the log in every service that keeps one: the log explorer ({@link OpsLog}),
 * the stream view with time travel over the aggregates the service registers ({@link OpsAggregate} beans,
 * {@link OpsStreams}), where the relay put events on Kafka ({@link OpsKafkaRecords}: only for a service with a
 * relay), the {@code eventstore} actuator endpoint, and their admin-only JSON endpoints ({@link OpsLogController})
 * in a servlet web application.
 */
@AutoConfiguration(after = {OpsAutoConfiguration.class, RelayAutoConfiguration.class})
@ConditionalOnBean(EventStore.class)
public class OpsLogAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public OpsLog opsLog(EventSourcingProperties properties, EventStore store, PersonalData personal,
                         OpsAudit audit) {
        return new OpsLog(properties.serviceName(), store, personal, audit);
    }

    @Bean
    @ConditionalOnMissingBean
    public OpsAggregates opsAggregates(ObjectProvider<OpsAggregate> aggregates) {
        return new OpsAggregates(aggregates.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    public OpsStreams opsStreams(EventSourcingProperties properties, EventStore store, OpsAggregates aggregates,
                                 PersonalData personal) {
        return new OpsStreams(properties.serviceName(), store, aggregates, personal);
    }

    /** With the relay's routes when the service has a relay; without one every event stays private. */
    @Bean
    @ConditionalOnMissingBean
    public OpsKafkaRecords opsKafkaRecords(EventSourcingProperties properties, ObjectProvider<LogRelay> relay,
                                           Environment environment) {
        LogRelay logRelay = relay.getIfAvailable();
        return logRelay == null ? OpsKafkaRecords.none(properties.serviceName())
                : new OpsKafkaRecords(properties.serviceName(), KafkaClientSettings.of(environment),
                        logRelay::destinationOf);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(Endpoint.class)
    public EventStoreEndpoint eventStoreEndpoint(EventSourcingProperties properties, EventStore store,
                                                 PersonalData personal) {
        return new EventStoreEndpoint(properties.serviceName(), store, personal);
    }

    /** The endpoints, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Endpoints {

        @Bean
        OpsLogController opsLogController(EventSourcingProperties properties, OpsLog log, OpsStreams streams,
                                          OpsKafkaRecords records) {
            return new OpsLogController(properties.serviceName(), log, streams, records);
        }
    }
}
