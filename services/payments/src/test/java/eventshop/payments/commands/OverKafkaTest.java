package eventshop.payments.commands;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static eventshop.payments.Fixtures.authorizeJson;
import static eventshop.payments.Fixtures.context;
import static eventshop.payments.Fixtures.newOrder;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.kafka.broker.InProcessKafka;
import eventshop.payments.PaymentsApplication;
import eventshop.payments.cards.Cards;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service as configured in payments.yml, against an in-process broker: an AuthorizePayment sent
 * on payments.commands is answered by PaymentAuthorized on payments.events (through the log relay),
 * the private card event before it is not published, and a malformed command is parked at the first
 * failure without holding up the next.
 */
class OverKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext payments;
    private static TopicProbe probe;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        kafka.createTopics(1, Topics.PAYMENTS_COMMANDS, Topics.PAYMENTS_EVENTS);
        // arguments, not builder().properties(...): those are defaults, below payments.yml
        payments = PaymentsApplication.builder().run(Stream.of(
                "eventshop.eventstore.engine=memory",
                "spring.datasource.url=jdbc:h2:mem:payments-kafka;DB_CLOSE_DELAY=-1",
                "spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "spring.cloud.stream.bindings.paymentCommands-in-0.consumer.back-off-initial-interval=50",
                "server.port=0",
                "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
                "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN",
                "logging.level.state.change.logger=WARN", "logging.level.org.springframework.kafka=WARN",
                "logging.level.org.springframework.cloud.stream=WARN",
                "logging.level.org.springframework.integration=WARN").map(setting -> "--" + setting).toArray(String[]::new));
        probe = new TopicProbe(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (probe != null) {
            probe.close();
        }
        if (payments != null) {
            payments.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void send(String orderId, UUID commandId, String type, String json) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.PAYMENTS_COMMANDS, "order-" + orderId,
                json.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_ID, commandId.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.CORRELATION_ID, ("checkout-" + orderId).getBytes(StandardCharsets.UTF_8));
        probe.send(record);
    }
    @Test
    void authorizePayment_isAnsweredOnPaymentsEvents_theCardStaysPrivate_andAMalformedCommandIsParked()
            throws Exception {
        // given
        String customer = "acc-" + UUID.randomUUID();
        String token = payments.getBean(Cards.class)
                .tokenize(customer, "4242424242424242", 12, 2030, "123", context()).card().token();
        String malformed = newOrder();
        String order = newOrder();
        UUID commandId = UUID.randomUUID();

        // when: a malformed command, then a good one behind it on the same partition
        send(malformed, UUID.randomUUID(), "AuthorizePayment", "{\"orderId\":");
        send(order, commandId, "AuthorizePayment", authorizeJson(order, customer, token, 1250));

        // then
        ConsumerRecord<String, byte[]> answer = probe.await(Topics.PAYMENTS_EVENTS, 1, keyed("payment-" + order),
                PATIENCE).getFirst();
        List<ConsumerRecord<String, byte[]>> published = probe.readToEnd(Topics.PAYMENTS_EVENTS);
        assertThat(header(answer, EventHeaders.EVENT_TYPE)).isEqualTo("PaymentAuthorized");
        assertThat(header(answer, EventHeaders.CAUSATION_ID)).isEqualTo(commandId.toString());
        assertThat(header(answer, EventHeaders.CORRELATION_ID)).isEqualTo("checkout-" + order);
        assertThat(new String(answer.value(), StandardCharsets.UTF_8))
                .contains("\"last4\":\"4242\"").doesNotContain("4242424242424242");
        assertThat(published).extracting(ConsumerRecord::key).noneMatch(key -> key.startsWith("card-"));
        assertThat(published).extracting(record -> header(record, EventHeaders.EVENT_TYPE))
                .doesNotContain("CardTokenized");

        ConsumerRecord<String, byte[]> parked = probe.await("error." + Topics.PAYMENTS_COMMANDS + ".payments", 1,
                keyed("order-" + malformed), PATIENCE).getFirst();
        assertThat(header(parked, "x-exception-stacktrace")).contains(MalformedMessage.class.getName());
    }
}
