package eventshop.eventsourcing.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

class RelayAutoConfigurationTest {

    @Test
    void theRelayCanBeSwitchedOff() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RelayAutoConfiguration.class))
                .withPropertyValues("eventshop.relay.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LogRelay.class)
                        .doesNotHaveBean(RelayEndpoint.class));
    }

    @Test
    void theBindingDefaults_giveTheServiceTopic_andASafeProducer_belowEverythingElse() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("app",
                Map.of("eventshop.service-name", "carts",
                        "spring.cloud.stream.kafka.bindings.eventshopRelay-out-0.producer.configuration.linger.ms", "5")));

        new RelayBindingDefaults().postProcessEnvironment(environment, null);

        String producer = "spring.cloud.stream.kafka.bindings.eventshopRelay-out-0.producer.";
        assertThat(environment.getProperty("spring.cloud.stream.bindings.eventshopRelay-out-0.destination"))
                .isEqualTo("carts.events");
        assertThat(environment.getProperty(producer + "configuration.enable.idempotence")).isEqualTo("true");
        assertThat(environment.getProperty(producer + "configuration.acks")).isEqualTo("all");
        assertThat(environment.getProperty(producer + "configuration.max.in.flight.requests.per.connection"))
                .isEqualTo("5");
        assertThat(environment.getProperty(producer + "record-metadata-channel"))
                .isEqualTo(RelayBindingDefaults.ACKS_CHANNEL);
        assertThat(environment.getProperty(producer + "configuration.linger.ms")).isEqualTo("5");
    }

    @Test
    void eachCommandTopic_getsItsOwnBinding_withTheSameSafeProducer() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("app",
                Map.of("eventshop.service-name", "orders",
                        "eventshop.relay.command-topics", "inventory.commands, payments.commands")));

        new RelayBindingDefaults().postProcessEnvironment(environment, null);

        for (String topic : new String[] {"inventory.commands", "payments.commands"}) {
            String binding = RelayBindingDefaults.bindingFor(topic);
            assertThat(binding).doesNotContain(".");
            assertThat(environment.getProperty("spring.cloud.stream.bindings." + binding + ".destination"))
                    .isEqualTo(topic);
            String producer = "spring.cloud.stream.kafka.bindings." + binding + ".producer.";
            assertThat(environment.getProperty(producer + "configuration.acks")).isEqualTo("all");
            assertThat(environment.getProperty(producer + "configuration.enable.idempotence")).isEqualTo("true");
            assertThat(environment.getProperty(producer + "record-metadata-channel"))
                    .isEqualTo(RelayBindingDefaults.ACKS_CHANNEL);
        }
        assertThat(environment.getProperty("spring.cloud.stream.bindings.eventshopRelay-out-0.destination"))
                .isEqualTo("orders.events");
    }
}
