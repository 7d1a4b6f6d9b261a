package eventshop.eventsourcing.relay;

import eventshop.eventsourcing.config.EventSourcingAutoConfiguration;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.leadership.Leadership;
import eventshop.eventsourcing.leadership.LeadershipAutoConfiguration;
import eventshop.eventsourcing.leadership.SoleInstance;
import eventshop.eventsourcing.schema.Upcasters;
import eventshop.eventstore.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder;
import org.springframework.cloud.stream.binding.BindingService;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.context.IntegrationContextUtils;
import org.springframework.messaging.SubscribableChannel;

/**
 * The log relay of this service's event store to {@code <service>.events}, through Spring Cloud
 * Stream's Kafka binder. On unless {@code eventshop.relay.enabled=false}; starts with the context
 * (after the binder) and stops before it; it relays only while the instance leads the service's
 * {@link Leadership} role. Its binding defaults come from {@link RelayBindingDefaults}.
 */
@AutoConfiguration(after = EventSourcingAutoConfiguration.class, afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.cloud.stream.function.FunctionConfiguration"})
@ConditionalOnClass({StreamBridge.class, KafkaMessageChannelBinder.class})
@ConditionalOnProperty(prefix = "eventshop.relay", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(RelayProperties.class)
public class RelayAutoConfiguration {

    @Bean(name = RelayBindingDefaults.ACKS_CHANNEL)
    public SubscribableChannel eventshopRelayAcks() {
        return new DirectChannel();
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    public RelayCheckpoints relayCheckpoints(ObjectProvider<DataSource> dataSource, ObjectProvider<Clock> clock,
                                             ObjectProvider<Leadership> leadership) {
        DataSource source = dataSource.getIfAvailable();
        if (source == null) {
            throw new IllegalStateException("The log relay keeps its checkpoint in the service's database, but there "
                    + "is no DataSource; configure one or set eventshop.relay.enabled=false");
        }
        return new JdbcRelayCheckpoints(source, clock.getIfAvailable(Clock::systemUTC),
                leadership.getIfAvailable(() -> new SoleInstance(LeadershipAutoConfiguration.ROLE)));
    }

    @Bean
    @ConditionalOnMissingBean
    public RelayPublisher relayPublisher(StreamBridge streamBridge, EventSourcingProperties properties,
                                         RelayProperties relay,
                                         @Qualifier(RelayBindingDefaults.ACKS_CHANNEL) SubscribableChannel acks,
                                         @Qualifier(IntegrationContextUtils.ERROR_CHANNEL_BEAN_NAME)
                                         SubscribableChannel errors, ObjectProvider<Tracer> tracer,
                                         Environment environment) {
        return new StreamBridgePublisher(streamBridge, relay.bindingName(), eventsTopic(environment, properties, relay),
                properties.serviceName(), acks, errors, relay.commandTopics(), tracer.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    public LogRelay logRelay(EventSourcingProperties properties, RelayProperties relay, EventStore store,
                             RelayPublisher publisher, RelayCheckpoints checkpoints,
                             ObjectProvider<RelayRoutes> routes, ObjectProvider<MeterRegistry> registry,
                             ObjectProvider<Leadership> leadership, ObjectProvider<Upcasters> upcasters,
                             Environment environment) {
        return new LogRelay(properties.serviceName(), eventsTopic(environment, properties, relay), store, publisher,
                checkpoints, relay, routes.getIfAvailable(() -> RelayRoutes.EVENTS),
                registry.getIfAvailable(SimpleMeterRegistry::new),
                leadership.getIfAvailable(() -> new SoleInstance(LeadershipAutoConfiguration.ROLE)),
                Upcasters.published().and(upcasters.getIfAvailable(Upcasters::none)));
    }

    @Bean
    RelayShutdown eventshopRelayShutdown(LogRelay relay, ObjectProvider<BindingService> bindingService,
                                         RelayProperties properties) {
        java.util.List<String> bindings = new java.util.ArrayList<>();
        bindings.add(properties.bindingName());
        properties.commandTopics().stream().map(RelayBindingDefaults::bindingFor).forEach(bindings::add);
        return new RelayShutdown(relay, bindingService, bindings);
    }

    @Bean
    @ConditionalOnMissingBean
    public RelayEndpoint relayEndpoint(LogRelay relay) {
        return new RelayEndpoint(relay);
    }

    /** The topic of the relay's own binding: its configured destination, else {@code <service>.events}. */
    private static String eventsTopic(Environment environment, EventSourcingProperties properties,
                                      RelayProperties relay) {
        return environment.getProperty("spring.cloud.stream.bindings." + relay.bindingName() + ".destination",
                properties.serviceName() + ".events");
    }
}
