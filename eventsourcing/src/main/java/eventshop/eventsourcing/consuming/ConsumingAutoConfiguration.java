package eventshop.eventsourcing.consuming;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Consuming other services' events: {@link ExactlyOnce} (processed-message records in the
 * service's database), {@link ConsumerOffsets} (where the consumers resume, in the same database),
 * {@link ParkedMessages} and the {@code parked} endpoint, {@link ConsumerLags}
 * and the {@code consumers} endpoint, {@link ConsumerProgress} (what the consumers have processed, for
 * consistency tokens) fed by {@link ConsumerProgressTracking}, and a start-up
 * check that every consumer binding names its group. Retry and dead-letter defaults for the
 * bindings come from {@link ConsumerBindingDefaults}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.cloud.stream.config.BindingServiceConfiguration"})
@ConditionalOnClass(KafkaMessageChannelBinder.class)
public class ConsumingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
    @DependsOnDatabaseInitialization
    public ExactlyOnce exactlyOnce(DataSource dataSource, PlatformTransactionManager transactionManager,
                                   ObjectProvider<Clock> clock, ObjectProvider<MeterRegistry> registry,
                                   ObjectProvider<Tracer> tracer) {
        return new ExactlyOnce(dataSource, transactionManager, clock.getIfAvailable(Clock::systemUTC),
                registry.getIfAvailable(SimpleMeterRegistry::new), tracer.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({DataSource.class, BindingServiceProperties.class})
    @DependsOnDatabaseInitialization
    public ParkedMessages parkedMessages(BindingServiceProperties bindings, Environment environment,
                                         DataSource dataSource, ObjectProvider<Clock> clock) {
        ConsumerBindings consumers = new ConsumerBindings(bindings, environment);
        return new ParkedMessages(consumers.clientConfig(), consumers::deadLetterTopics, dataSource,
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ParkedMessages.class)
    public ParkedEndpoint parkedEndpoint(ParkedMessages parked) {
        return new ParkedEndpoint(parked);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(BindingServiceProperties.class)
    public ConsumerLags consumerLags(BindingServiceProperties bindings, Environment environment,
                                     ObjectProvider<ConsumerProgress> progress) {
        ConsumerBindings consumers = new ConsumerBindings(bindings, environment);
        return new ConsumerLags(consumers.clientConfig(), consumers::subscriptions, progress.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ConsumerLags.class)
    public ConsumersEndpoint consumersEndpoint(ConsumerLags lags) {
        return new ConsumersEndpoint(lags);
    }

    /** What this service's consumer bindings of {@code <service>.events} topics have processed, for consistency tokens. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(BindingServiceProperties.class)
    public ConsumerProgress consumerProgress(BindingServiceProperties bindings, Environment environment) {
        ConsumerBindings consumers = new ConsumerBindings(bindings, environment);
        return new ConsumerProgress(() -> consumers.subscriptions().stream().map(ConsumerLags.Subscription::topic)
                .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * The consumers' offsets in the service's database, which they resume from (so its commits may be
     * written in the background, {@link ConsumerOffsets}); {@code eventshop.consuming.offsets-flush-interval}
     * (200 ms) is how often the noted offsets are written, {@code eventshop.consuming.offsets-commit-interval}
     * (1 s) how often the containers commit to Kafka. With them go the {@link ConsumerProgress}'s source
     * positions, which waits for partitions assigned to another instance of the service read back every
     * {@code eventshop.consuming.progress-poll-interval} (50 ms) while such a wait is pending.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean({DataSource.class, PlatformTransactionManager.class, BindingServiceProperties.class})
    @DependsOnDatabaseInitialization
    public ConsumerOffsets consumerOffsets(DataSource dataSource, PlatformTransactionManager transactionManager,
                                           Environment environment, ObjectProvider<ConsumerProgress> progress) {
        ConsumerProgress consumed = progress.getIfAvailable();
        ConsumerOffsets offsets = new ConsumerOffsets(dataSource, transactionManager,
                environment.getProperty("eventshop.consuming.offsets-flush-interval", Duration.class, Duration.ofMillis(200)),
                environment.getProperty("eventshop.consuming.offsets-commit-interval", Duration.class, Duration.ofSeconds(1)),
                consumed);
        if (consumed != null) {
            consumed.readStored(offsets::storedPositions, environment.getProperty(
                    "eventshop.consuming.progress-poll-interval", Duration.class, Duration.ofMillis(50)));
        }
        return offsets;
    }

    /**
     * The binder takes one customizer for the Kafka listener containers it creates: this one gives each
     * the {@link ConsumerOffsets} (seek on assignment to the database's offsets) and then the
     * {@link ConsumerProgressTracking} that feeds {@link ConsumerProgress} (whose rebalance listener wraps
     * the seeking one, so it sees the positions sought), and registers it with {@link ConsumerShutdown}.
     */
    @Bean
    @ConditionalOnBean(BindingServiceProperties.class)
    public ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> eventshopConsumerContainers(
            ObjectProvider<ConsumerOffsets> offsets, ObjectProvider<ConsumerProgress> progress,
            ObjectProvider<ConsumerShutdown> shutdown, Environment environment) {
        List<ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>>> parts = new ArrayList<>();
        shutdown.ifAvailable(stopAll -> parts.add((container, destination, group) -> stopAll.add(container)));
        offsets.ifAvailable(database -> parts.add((container, destination, group) -> database.configure(container, group)));
        progress.ifAvailable(tracked -> parts.add(
                new ConsumerProgressTracking(tracked, KafkaClientSettings.of(environment))));
        return (container, destination, group) -> parts.forEach(part -> part.configure(container, destination, group));
    }

    /** Stops the listener containers at once rather than one after the other ({@link ConsumerShutdown}). */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(BindingServiceProperties.class)
    public ConsumerShutdown consumerShutdown() {
        return new ConsumerShutdown();
    }

    /** Refuses to start with a consumer binding that has no group (DESIGN §9). */
    @Bean
    @ConditionalOnBean(BindingServiceProperties.class)
    public SmartInitializingSingleton eventshopConsumerGroupCheck(BindingServiceProperties bindings,
                                                                  Environment environment) {
        return () -> {
            List<String> missing = new ConsumerBindings(bindings, environment).withoutGroup();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Consumer bindings without a group start at the latest offset and "
                        + "silently skip earlier records, and cannot park failed messages; set "
                        + "spring.cloud.stream.bindings.<name>.group for " + missing);
            }
        };
    }
}
