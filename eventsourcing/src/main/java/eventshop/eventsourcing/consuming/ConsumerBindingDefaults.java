package eventshop.eventsourcing.consuming;

import eventshop.eventsourcing.decider.DomainError;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults for every consumer binding, as the lowest-precedence property source (override any of
 * them per binding or for all): up to 4 attempts per message with exponential backoff from
 * 200 ms to 5 s, then the Kafka binder parks it on its dead-letter topic (default
 * {@code error.<topic>.<group>}). A dead-letter topic needs a consumer group, and so does not
 * skipping records (DESIGN §9); {@link ConsumingAutoConfiguration} refuses bindings without one.
 *
 * <p>Two failures are not retried but parked at once, because a retry meets the same message and the
 * same answer: a {@link MalformedMessage}, and a {@link DomainError} (the command breaks a business
 * rule; conflicting writes are retried inside the command handler, not here). A binding's own
 * {@code retryable-exceptions} entries are added to these (Spring Boot binds the map entry by entry),
 * so a service names only what else it wants classified, and may set either of these two back to
 * {@code true}; exceptions named nowhere are retried ({@code default-retryable}).
 *
 * <p>The binder's health indicator gives up on an unreachable broker after 5 s ({@code health-timeout}), not 60.
 *
 * <p>Consumers read records natively ({@code use-native-decoding}): the payload is the record's bytes as
 * Kafka's deserializer gave them, and Spring Cloud Function does no message conversion. Every consumer
 * here takes {@code Message<byte[]>} and decodes the event once itself ({@link IncomingEvent}); the
 * conversion it replaces parsed each payload as JSON only to hand the same bytes on (8 % of a consumer
 * thread's CPU under load, docs/benchmarks.md).
 */
public final class ConsumerBindingDefaults implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "eventshopConsumerBindingDefaults";
    private static final String BYTES = "org.apache.kafka.common.serialization.ByteArraySerializer";
    private static final String RETRYABLE_EXCEPTIONS = "spring.cloud.stream.default.consumer.retryable-exceptions.";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("spring.cloud.stream.default.consumer.use-native-decoding", "true");
        // an idle consumer's fetch waits at the broker this long; a record arriving ends the wait at once,
        // so this costs no latency, and idle consumers fetch 4 times less often than Kafka's 500 ms
        defaults.put("spring.cloud.stream.kafka.binder.consumer-properties.fetch.max.wait.ms", "2000");
        // the binder's health indicator (binders/kafka in /actuator/health) asks the broker for the topics' partitions
        // and waits this long, in seconds, before it answers DOWN: 60 by default, so during a broker outage every call
        // of the health endpoint (open to anyone) held a request thread for a minute (BrokerOutageTest)
        defaults.put("spring.cloud.stream.kafka.binder.health-timeout", "5");
        defaults.put("spring.cloud.stream.default.consumer.max-attempts", "4");
        defaults.put("spring.cloud.stream.default.consumer.back-off-initial-interval", "200");
        defaults.put("spring.cloud.stream.default.consumer.back-off-max-interval", "5000");
        defaults.put("spring.cloud.stream.default.consumer.back-off-multiplier", "3.0");
        defaults.put(RETRYABLE_EXCEPTIONS + MalformedMessage.class.getName(), "false");
        defaults.put(RETRYABLE_EXCEPTIONS + DomainError.class.getName(), "false");
        defaults.put("spring.cloud.stream.kafka.default.consumer.enable-dlq", "true");
        defaults.put("spring.cloud.stream.kafka.default.consumer.dlq-producer-properties.configuration.acks", "all");
        // natively decoded records keep their bytes; the dead-letter producer sends them as they came
        defaults.put("spring.cloud.stream.kafka.default.consumer.dlq-producer-properties.configuration.key.serializer",
                BYTES);
        defaults.put("spring.cloud.stream.kafka.default.consumer.dlq-producer-properties.configuration.value.serializer",
                BYTES);
        defaults.put("spring.cloud.stream.kafka.default.consumer.dlq-producer-properties.configuration.enable.idempotence",
                "true");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
