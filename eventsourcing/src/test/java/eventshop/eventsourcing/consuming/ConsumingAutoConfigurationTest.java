package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.stream.config.BindingProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.mock.env.MockEnvironment;

/** The start-up group check and how the dead-letter topics and broker are found from the bindings. */
class ConsumingAutoConfigurationTest {

    private final MockEnvironment environment = new MockEnvironment();

    @Test
    void aConsumerBindingWithoutGroup_stopsTheStart_namingTheBinding() {
        BindingServiceProperties bindings = bindings("onOrders-in-0", null);

        assertThatThrownBy(() -> new ConsumingAutoConfiguration().eventshopConsumerGroupCheck(bindings, environment)
                .afterSingletonsInstantiated())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without a group").hasMessageContaining("[onOrders-in-0]");
    }

    @Test
    void consumerBindingsWithGroups_pass() {
        BindingServiceProperties bindings = bindings("onOrders-in-0", "inventory");

        new ConsumingAutoConfiguration().eventshopConsumerGroupCheck(bindings, environment)
                .afterSingletonsInstantiated();
    }

    @Test
    void deadLetterTopics_followTheBindersNaming_unlessNamed() {
        environment.setProperty("spring.cloud.stream.kafka.default.consumer.enable-dlq", "true");
        environment.setProperty("spring.cloud.stream.kafka.bindings.onPayments-in-0.consumer.dlq-name", "payments.parked");
        environment.setProperty("spring.cloud.stream.kafka.bindings.onCarts-in-0.consumer.enable-dlq", "false");
        BindingServiceProperties bindings = new BindingServiceProperties();
        bindings.setBindings(Map.of("onOrders-in-0", binding("orders.events", "inventory"),
                "onPayments-in-0", binding("payments.events", "inventory"),
                "onCarts-in-0", binding("carts.events", "inventory"),
                "eventshopRelay-out-0", binding("inventory.events", null)));

        assertThat(new ConsumerBindings(bindings, environment).deadLetterTopics())
                .containsExactly("error.orders.events.inventory", "payments.parked");
    }

    @Test
    void theBrokers_comeFromTheBinder() {
        environment.setProperty("spring.cloud.stream.kafka.binder.brokers", "kafka-1:9092,kafka-2:9092");
        environment.setProperty("spring.cloud.stream.kafka.binder.configuration.security.protocol", "SSL");

        assertThat(new ConsumerBindings(new BindingServiceProperties(), environment).clientConfig())
                .containsEntry("bootstrap.servers", "kafka-1:9092,kafka-2:9092")
                .containsEntry("security.protocol", "SSL");
    }

    private static BindingServiceProperties bindings(String name, String group) {
        BindingServiceProperties properties = new BindingServiceProperties();
        properties.setBindings(Map.of(name, binding("orders.events", group)));
        return properties;
    }

    private static BindingProperties binding(String destination, String group) {
        BindingProperties binding = new BindingProperties();
        binding.setDestination(destination);
        binding.setGroup(group);
        return binding;
    }
}
