package eventshop.functions.app;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.ops.EventStoreEndpoint;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.eventstore.EventStore;
import eventshop.functions.FunctionBinding;
import eventshop.functions.FunctionsApplication;
import eventshop.functions.handling.DerivedIds;
import eventshop.functions.handling.MalformedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The functions app as configured in functions.yml, against an in-process broker: events published
 * on the services' topics come out as commands on the command topics, with derived ids, the input's
 * correlation and the target's key; a redelivered event gives the same command id; a malformed one
 * is parked at once.
 */
class OverKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static OverKafka kafka;
    private static ConfigurableApplicationContext functions;
    private static TopicProbe probe;

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(Topics.ACCOUNTS_EVENTS, Topics.ACCOUNTS_COMMANDS, Topics.ORDERS_EVENTS,
                Topics.INVENTORY_EVENTS, Topics.INVENTORY_COMMANDS);
        // no log of its own: eventshop.eventstore.engine=none in functions.yml
        functions = kafka.run(FunctionsApplication.builder());
        probe = kafka.probe();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void publish(String topic, String key, String eventId, String type, String json) {
        probe.send(topic, key, json.getBytes(StandardCharsets.UTF_8), Map.of(
                "event-id", eventId,
                "event-type", type,
                "stream-id", key,
                "correlation-id", "conv-" + key,
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    }

    private static String value(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    @Test
    void theAppKeepsNoLog() {
        // eventshop.eventstore.engine=none in functions.yml: no event store, nor its endpoint, and no exclusion list
        assertThat(functions.getBeanNamesForType(EventStore.class)).isEmpty();
        assertThat(functions.getBeanNamesForType(EventStoreEndpoint.class)).isEmpty();
        assertThat(functions.getEnvironment().getProperty("spring.autoconfigure.exclude")).isNull();
    }

    @Test
    void accountRegistered_onAccountsEvents_isADeliverMessage_onAccountsCommands_andARedeliveryTheSameCommand()
            throws Exception {
        // given
        String accountId = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        String registered = "{\"accountId\":\"" + accountId + "\",\"email\":\"ann@example.com\",\"name\":\"Ann\","
                + "\"role\":\"CUSTOMER\",\"confirmationCode\":\"271828\"}";

        // when: published, then published again (a redelivery: the same event id)
        publish(Topics.ACCOUNTS_EVENTS, "account-" + accountId, eventId, "AccountRegistered", registered);
        publish(Topics.ACCOUNTS_EVENTS, "account-" + accountId, eventId, "AccountRegistered", registered);

        // then
        List<ConsumerRecord<String, byte[]>> commands = probe.await(Topics.ACCOUNTS_COMMANDS, 2, keyed(accountId),
                PATIENCE);
        String commandId = DerivedIds.of("accountLifecycle", eventId).toString();
        for (ConsumerRecord<String, byte[]> command : commands) {
            assertThat(header(command, "event-id")).isEqualTo(commandId);
            assertThat(header(command, "event-type")).isEqualTo("DeliverMessage");
            assertThat(header(command, "causation-id")).isEqualTo(eventId);
            assertThat(header(command, "correlation-id")).isEqualTo("conv-account-" + accountId);
            assertThat(header(command, "traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            assertThat(value(command)).contains("\"accountId\":\"" + accountId + "\"", "\"kind\":\"CONFIRMATION\"",
                    "\"code\":\"271828\"", "\"messageId\":\"" + commandId + "\"");
        }
    }

    @Test
    void orderConfirmed_isANoticeToTheCustomer_andAMalformedEventIsParkedAtOnce() throws Exception {
        String orderId = UUID.randomUUID().toString();
        String customerId = UUID.randomUUID().toString();

        publish(Topics.ORDERS_EVENTS, "order-" + orderId, UUID.randomUUID().toString(), "OrderCancelled", "{\"orderId\":");
        publish(Topics.ORDERS_EVENTS, "order-" + orderId, UUID.randomUUID().toString(), "OrderConfirmed",
                "{\"orderId\":\"" + orderId + "\",\"customerId\":\"" + customerId + "\"}");

        ConsumerRecord<String, byte[]> notice = probe.await(Topics.ACCOUNTS_COMMANDS, 1, keyed(customerId),
                PATIENCE).getFirst();
        assertThat(value(notice)).contains("\"kind\":\"ORDER_CONFIRMED\"");
        ConsumerRecord<String, byte[]> parked = probe.await("error." + Topics.ORDERS_EVENTS + ".functions-orderNotices", 1,
                keyed("order-" + orderId), PATIENCE).getFirst();
        assertThat(header(parked, "x-exception-stacktrace")).contains(MalformedEvent.class.getName());
    }

    @Test
    void theBindings_areTheOnesTheLambdaHandlerDispatchesBy() {
        BindingServiceProperties bindings = functions.getBean(BindingServiceProperties.class);
        for (FunctionBinding binding : FunctionBinding.ALL) {
            assertThat(bindings.getBindingDestination(binding.function() + "-in-0")).isEqualTo(binding.inputTopic());
            assertThat(bindings.getGroup(binding.function() + "-in-0")).isEqualTo("functions-" + binding.function());
            assertThat(bindings.getBindingDestination(binding.function() + "-out-0")).isEqualTo(binding.outputTopic());
        }
        assertThat(functions.getEnvironment().getProperty("spring.cloud.function.definition"))
                .isEqualTo(String.join(";", FunctionBinding.ALL.stream().map(FunctionBinding::function).toList()));
    }
}
