package eventshop.eventsourcing.consuming;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/** Settings for plain Kafka clients (consumers, admin) that reach the same brokers as the service's Kafka binder. */
public final class KafkaClientSettings {

    private KafkaClientSettings() {
    }

    /**
     * The binder's {@code configuration} (security, client settings; no serializer keys) and its
     * brokers ({@code spring.cloud.stream.kafka.binder.brokers}, else {@code spring.kafka.bootstrap-servers},
     * else {@code localhost:9092}). A new mutable map on each call.
     */
    public static Map<String, Object> of(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, Object> config = new HashMap<>();
        binder.bind("spring.cloud.stream.kafka.binder.configuration", Bindable.mapOf(String.class, String.class))
                .ifBound(config::putAll);
        List<String> brokers = binder.bind("spring.cloud.stream.kafka.binder.brokers", Bindable.listOf(String.class))
                .orElseGet(() -> binder.bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
                        .orElse(List.of("localhost:9092")));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", brokers));
        config.keySet().removeIf(key -> key.startsWith("key.") || key.startsWith("value."));
        return config;
    }
}
