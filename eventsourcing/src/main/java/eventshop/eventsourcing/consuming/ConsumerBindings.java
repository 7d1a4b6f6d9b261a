package eventshop.eventsourcing.consuming;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.cloud.stream.config.BindingProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * What this service's Kafka consumer bindings are, read from their configuration: their groups
 * (which must be named) and dead-letter topics, and how to reach the broker.
 */
final class ConsumerBindings {

    private static final Pattern INPUT = Pattern.compile(".+-in-\\d+");

    private final BindingServiceProperties bindings;
    private final Environment environment;

    ConsumerBindings(BindingServiceProperties bindings, Environment environment) {
        this.bindings = bindings;
        this.environment = environment;
    }

    /** Input bindings, by name. */
    Map<String, BindingProperties> inputs() {
        Map<String, BindingProperties> inputs = new HashMap<>();
        bindings.getBindings().forEach((name, binding) -> {
            if (INPUT.matcher(name).matches() || (binding.getConsumer() != null && binding.getProducer() == null)) {
                inputs.put(name, binding);
            }
        });
        return inputs;
    }

    /** Input bindings without a consumer group, which would start at the latest offset and skip records. */
    List<String> withoutGroup() {
        return inputs().entrySet().stream().filter(entry -> !StringUtils.hasText(entry.getValue().getGroup()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** The dead-letter topic of each input binding that parks messages. */
    List<String> deadLetterTopics() {
        List<String> topics = new ArrayList<>(List.of(environment.getProperty(
                "eventshop.consuming.dead-letter-topics", String[].class, new String[0])));
        inputs().forEach((name, binding) -> {
            String prefix = "spring.cloud.stream.kafka.bindings." + name + ".consumer.";
            String defaults = "spring.cloud.stream.kafka.default.consumer.";
            boolean enabled = environment.getProperty(prefix + "enable-dlq", Boolean.class,
                    environment.getProperty(defaults + "enable-dlq", Boolean.class, false));
            if (!enabled || !StringUtils.hasText(binding.getGroup())) {
                return;
            }
            String dlqName = environment.getProperty(prefix + "dlq-name", environment.getProperty(defaults + "dlq-name"));
            if (StringUtils.hasText(dlqName)) {
                topics.add(dlqName);
                return;
            }
            String destination = StringUtils.hasText(binding.getDestination()) ? binding.getDestination() : name;
            for (String topic : StringUtils.commaDelimitedListToStringArray(destination)) {
                topics.add("error." + topic.trim() + "." + binding.getGroup());
            }
        });
        return topics.stream().distinct().sorted().toList();
    }

    /** Each input binding's group and topic (one per destination of a multi-topic binding). */
    List<ConsumerLags.Subscription> subscriptions() {
        List<ConsumerLags.Subscription> subscriptions = new ArrayList<>();
        inputs().forEach((name, binding) -> {
            if (!StringUtils.hasText(binding.getGroup())) {
                return;
            }
            String destination = StringUtils.hasText(binding.getDestination()) ? binding.getDestination() : name;
            for (String topic : StringUtils.commaDelimitedListToStringArray(destination)) {
                subscriptions.add(new ConsumerLags.Subscription(name, binding.getGroup(), topic.trim()));
            }
        });
        subscriptions.sort(java.util.Comparator.comparing(ConsumerLags.Subscription::binding)
                .thenComparing(ConsumerLags.Subscription::topic));
        return subscriptions;
    }

    /** Settings for plain Kafka clients that reach the binder's brokers. */
    Map<String, Object> clientConfig() {
        return KafkaClientSettings.of(environment);
    }
}
