package eventshop.payments.commands;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static eventshop.payments.Fixtures.authorizeJson;
import static eventshop.payments.Fixtures.context;
import static eventshop.payments.Fixtures.newOrder;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.payments.PaymentsApplication;
import eventshop.payments.cards.Cards;
import eventshop.payments.payment.MalformedCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static OverKafka kafka;
    private static ConfigurableApplicationContext payments;
    private static TopicProbe probe;

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(Topics.PAYMENTS_COMMANDS, Topics.PAYMENTS_EVENTS);
        payments = kafka.runService(PaymentsApplication.builder(),
                "spring.cloud.stream.bindings.paymentCommands-in-0.consumer.back-off-initial-interval=50");
        probe = kafka.probe();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A command as orders sends it: keyed by the order's stream, correlated with its checkout. */
    private static void send(String orderId, UUID commandId, String type, String json) {
        probe.send(Topics.PAYMENTS_COMMANDS, "order-" + orderId, json.getBytes(StandardCharsets.UTF_8), Map.of(
                EventHeaders.EVENT_ID, commandId.toString(),
                EventHeaders.EVENT_TYPE, type,
                EventHeaders.CORRELATION_ID, "checkout-" + orderId));
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
        assertThat(header(parked, "x-exception-stacktrace")).contains(MalformedCommand.class.getName());
    }
}
