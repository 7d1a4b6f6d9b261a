package eventshop.eventsourcing.kafka;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.messaging.support.MessageBuilder;

/** The over-Kafka test kit itself: the apps it runs get the broker and the settings, the probe sends what it is given. */
class OverKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOPIC = "probe.events";
    private static OverKafka kafka;

    /** An app with nothing in it: what matters here is the environment it is run with. */
    @SpringBootConfiguration
    static class Bare {
    }

    private static SpringApplicationBuilder bare() {
        return new SpringApplicationBuilder(Bare.class).web(WebApplicationType.NONE)
                .properties("spring.datasource.url=jdbc:h2:mem:from-the-builder");
    }

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(TOPIC);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anApp_runsOnTheBroker_withTheSettingsAsArguments_overItsOwnConfiguration() {
        // when
        ConfigurableApplicationContext app = kafka.run(bare(), "eventshop.example=given");

        // then
        Environment environment = app.getEnvironment();
        assertThat(environment.getProperty("spring.cloud.stream.kafka.binder.brokers"))
                .isEqualTo(kafka.bootstrapServers());
        assertThat(environment.getProperty("server.port")).isEqualTo("0");
        assertThat(environment.getProperty("eventshop.example")).isEqualTo("given");
        assertThat(environment.getProperty("eventshop.eventstore.engine")).isNull();
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:h2:mem:from-the-builder");
    }

    @Test
    void aService_keepsItsLogInMemory_andItsReadModelsInADatabaseOfItsOwn() {
        // when
        Environment one = kafka.runService(bare()).getEnvironment();
        Environment two = kafka.runService(bare(), "eventshop.example=given").getEnvironment();

        // then
        assertThat(one.getProperty("eventshop.eventstore.engine")).isEqualTo("memory");
        assertThat(one.getProperty("spring.datasource.url")).startsWith("jdbc:h2:mem:over-kafka-")
                .isNotEqualTo(two.getProperty("spring.datasource.url"));
        assertThat(two.getProperty("eventshop.example")).isEqualTo("given");
        assertThat(two.getProperty("spring.cloud.stream.kafka.binder.brokers")).isEqualTo(kafka.bootstrapServers());
    }

    @Test
    void aRecord_isSentWithItsKeyValueAndHeaders() {
        // when
        kafka.probe().send(TOPIC, "order-1", "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                Map.of(EventHeaders.EVENT_TYPE, "Sent", EventHeaders.CORRELATION_ID, "checkout-1"));

        // then
        ConsumerRecord<String, byte[]> record = kafka.probe().await(TOPIC, 1, keyed("order-1"), PATIENCE).getFirst();
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(header(record, EventHeaders.EVENT_TYPE)).isEqualTo("Sent");
        assertThat(header(record, EventHeaders.CORRELATION_ID)).isEqualTo("checkout-1");
    }

    @Test
    void aMessage_isSentAsARelayPublishesIt_keyedByItsStream_withItsTextHeaders() {
        // when
        kafka.probe().send(TOPIC, MessageBuilder.withPayload("{\"b\":2}".getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.STREAM_ID, "cart-2").setHeader(EventHeaders.EVENT_TYPE, "Relayed")
                .setHeader("not-text", 42).build());

        // then
        ConsumerRecord<String, byte[]> record = kafka.probe().await(TOPIC, 1, TopicProbe.keyed("cart-2"), PATIENCE)
                .getFirst();
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":2}");
        assertThat(header(record, EventHeaders.EVENT_TYPE)).isEqualTo("Relayed");
        assertThat(header(record, EventHeaders.STREAM_ID)).isEqualTo("cart-2");
        assertThat(header(record, "id")).isNull();
        assertThat(header(record, "timestamp")).isNull();
        assertThat(header(record, "not-text")).isNull();
    }

    @Test
    void close_closesTheAppsItRan() {
        // given
        OverKafka own = OverKafka.start("closing.events");
        ConfigurableApplicationContext app = own.run(bare());

        // when
        own.close();

        // then
        assertThat(app.isActive()).isFalse();
    }
}
