package eventshop.eventsourcing.relay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Default settings of the relay's output binding, added as the lowest-precedence property source,
 * so any of them can be overridden in {@code application.yml} like any binding property:
 *
 * <ul>
 *   <li>destination {@code <eventshop.service-name>.events}, content type {@code application/json};</li>
 *   <li>native encoding: the stored bytes go out as they are, without Spring's message conversion
 *       (which would parse every JSON payload on the way);</li>
 *   <li>the record key from the {@code kafka_messageKey} header (the stream id);</li>
 *   <li>asynchronous sends ({@code sync: false}) with acknowledgements on the
 *       {@code recordMetadataChannel} and failures on the binding's error channel;</li>
 *   <li>an idempotent producer with {@code acks=all}, at most 5 requests in flight per connection
 *       (the limit up to which an idempotent producer keeps order), and a delivery timeout that
 *       does not expire during a broker outage, so the producer keeps retrying (with its own
 *       exponential backoff up to {@code retry.backoff.max.ms}) instead of failing a batch while a
 *       later one of the same partition gets through.</li>
 * </ul>
 *
 * <p>Each topic of {@code eventshop.relay.command-topics} (where {@link RelayRoutes} may send commands)
 * gets an output binding of its own, {@link #bindingFor}, with the same settings.
 */
public final class RelayBindingDefaults implements EnvironmentPostProcessor {

    /** The name of the channel bean that receives the binder's send results. */
    public static final String ACKS_CHANNEL = "eventshopRelayAcks";

    static final String SOURCE_NAME = "eventshopRelayBindingDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        String binding = environment.getProperty("eventshop.relay.binding-name", RelayProperties.DEFAULT_BINDING);
        producer(defaults, binding, "${eventshop.service-name:app}.events");
        Binder.get(environment).bind("eventshop.relay.command-topics", Bindable.setOf(String.class))
                .orElse(Set.of())
                .forEach(topic -> producer(defaults, bindingFor(topic), topic));
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }

    /** The output binding of the relay for a command topic of {@code eventshop.relay.command-topics}. */
    public static String bindingFor(String topic) {
        return "eventshopRelay-" + topic.replaceAll("[^A-Za-z0-9]", "-") + "-out-0";
    }

    private static void producer(Map<String, Object> defaults, String binding, String destination) {
        String common = "spring.cloud.stream.bindings." + binding + ".";
        String kafka = "spring.cloud.stream.kafka.bindings." + binding + ".producer.";
        defaults.put(common + "destination", destination);
        defaults.put(common + "content-type", "application/json");
        defaults.put(common + "producer.error-channel-enabled", "true");
        defaults.put(common + "producer.use-native-encoding", "true");
        defaults.put(kafka + "sync", "false");
        defaults.put(kafka + "record-metadata-channel", ACKS_CHANNEL);
        defaults.put(kafka + "message-key-expression", "headers['kafka_messageKey']");
        defaults.put(kafka + "configuration.enable.idempotence", "true");
        defaults.put(kafka + "configuration.acks", "all");
        defaults.put(kafka + "configuration.max.in.flight.requests.per.connection", "5");
        defaults.put(kafka + "configuration.delivery.timeout.ms", String.valueOf(Integer.MAX_VALUE));
        defaults.put(kafka + "configuration.retry.backoff.ms", "100");
        defaults.put(kafka + "configuration.retry.backoff.max.ms", "1000");
        defaults.put(kafka + "configuration.max.block.ms", "10000");
        defaults.put(kafka + "configuration.linger.ms", "0");
    }
}
