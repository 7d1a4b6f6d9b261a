package eventshop.functions.lambda;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import eventshop.contracts.Topics;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountConfirmed;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.functions.FunctionBinding;
import eventshop.functions.handling.DerivedIds;
import eventshop.functions.lambda.LambdaEvents.KafkaRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The functions as an AWS Lambda handler, without AWS: the adapter's {@link FunctionInvoker} (the handler a
 * deployment names, {@code FunctionInvoker::handleRequest}) started on {@link LambdaApplication} and invoked with MSK
 * events, made of records read back from an in-process broker or written by hand, and API Gateway requests. What the
 * MSK entry point derives is published to that broker, and read there.
 */
class LambdaHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static OverKafka kafka;
    private static TopicProbe probe;
    private static FunctionInvoker kafkaEvents;
    private static FunctionInvoker apiGateway;

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(Topics.ACCOUNTS_EVENTS, Topics.ACCOUNTS_COMMANDS, Topics.ORDERS_EVENTS,
                Topics.INVENTORY_EVENTS, FunctionBinding.ALL.get(0).deadLetterTopic(),
                FunctionBinding.ALL.get(1).deadLetterTopic());
        probe = kafka.probe();
        // what the aws jar's manifest says (Main-Class); on the test classpath it is said here
        System.setProperty("MAIN_CLASS", LambdaApplication.class.getName());
        kafkaEvents = new FunctionInvoker("kafkaEvents");
        apiGateway = new FunctionInvoker("apiGateway");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static JsonNode invoke(FunctionInvoker invoker, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, new TestContext());
        return JSON.readTree(out.toByteArray());
    }

    private static Map<String, String> headers(String eventId, String type) {
        return Map.of("event-id", eventId, "event-type", type, "correlation-id", "conv-1", "traceparent", TRACEPARENT);
    }

    static final String REGISTERED = "5a0c1f7e-1111-4c2d-9e8f-000000000001";
    static final String ACTIVATED = "5a0c1f7e-1111-4c2d-9e8f-000000000002";
    static final String SHIPMENT = "5a0c1f7e-1111-4c2d-9e8f-000000000003";
    static final String CONFIRMED = "5a0c1f7e-1111-4c2d-9e8f-000000000004";
    static final String ALLOCATED = "5a0c1f7e-1111-4c2d-9e8f-000000000005";

    /** Six records of four topics (by hand), among them a type no function knows and a topic no function reads. */
    static List<KafkaRecord> mixedRecords(String account, String customer) {
        return List.of(
                new KafkaRecord("accounts.events", 0, 41, "account-" + account, headers(REGISTERED, "AccountRegistered"),
                        "{\"accountId\":\"" + account + "\",\"email\":\"ann@example.com\",\"name\":\"Ann\","
                                + "\"role\":\"CUSTOMER\",\"confirmationCode\":\"602214\"}"),
                new KafkaRecord("accounts.events", 0, 42, "account-" + account, headers(ACTIVATED, "AccountActivated"),
                        "{\"accountId\":\"" + account + "\"}"),
                // a step of orders' saga, which orders published until issue 12: no function knows the type
                new KafkaRecord("orders.events", 1, 7, "order-o-1", headers(SHIPMENT, "ShipmentRequested"),
                        "{\"orderId\":\"o-1\",\"attempt\":1,\"deadline\":\"2026-01-01T12:00:00Z\"}"),
                new KafkaRecord("orders.events", 1, 8, "order-o-2", headers(CONFIRMED, "OrderConfirmed"),
                        "{\"orderId\":\"o-2\",\"customerId\":\"" + customer + "\"}"),
                new KafkaRecord("inventory.events", 0, 3, "stock-SKU-1", headers(ALLOCATED, "StockAllocated"),
                        "{\"sku\":\"SKU-1\",\"orderId\":\"o-2\",\"quantity\":2,\"onHand\":10,\"reserved\":7}"),
                new KafkaRecord("carts.events", 0, 1, "cart-" + account, headers(ACTIVATED, "CartCleared"),
                        "{\"customerId\":\"" + account + "\"}"));
    }

    /** The synthetic batch of {@link #mixedRecords} for accounts acc-1 and acc-9, from the cluster at {@code bootstrap}. */
    static String mskBatch(String bootstrap) {
        return LambdaEvents.msk(mixedRecords("acc-1", "acc-9"), bootstrap);
    }

    private static List<ConsumerRecord<String, byte[]>> commandsKeyed(String key) {
        return probe.readToEnd(Topics.ACCOUNTS_COMMANDS).stream().filter(keyed(key)).toList();
    }

    @Nested
    class FromTheBroker {

        /** {@code AccountConfirmed} as accounts' relay publishes it: the contract's JSON, the relay's headers, the stream's key. */
        private RecordedEvent confirmed(String accountId, UUID eventId) {
            byte[] data = JsonEventCodec.of(AccountEvent.class).serialize(new AccountConfirmed(accountId));
            Metadata metadata = new Metadata("conv-" + accountId, UUID.randomUUID().toString(), accountId,
                    Instant.parse("2026-12-07T12:00:00Z"), 1, Map.of("traceparent", TRACEPARENT));
            return new RecordedEvent(eventId, "account-" + accountId, 1, 17, "AccountConfirmed", data, metadata);
        }

        private void publishAsTheRelay(RecordedEvent event) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.ACCOUNTS_EVENTS, event.streamId(),
                    event.data());
            EventHeaders.of(event, "accounts").forEach((name, value) ->
                    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            probe.send(record);
        }

        @Test
        void accountConfirmed_readFromTheBroker_isPublishedAsActivateAccount_once_andARedeliveryCarriesTheSameId()
                throws IOException {
            // given: the event on accounts.events, and the MSK event AWS would make of it, read back from the broker
            String accountId = UUID.randomUUID().toString();
            UUID eventId = UUID.randomUUID();
            publishAsTheRelay(confirmed(accountId, eventId));
            List<ConsumerRecord<String, byte[]>> read = probe.await(Topics.ACCOUNTS_EVENTS, 1,
                    keyed("account-" + accountId), PATIENCE);
            String batch = LambdaEvents.mskOf(read, kafka.bootstrapServers());

            // when
            JsonNode output = invoke(kafkaEvents, batch);

            // then: on accounts.commands once, when the invocation returned
            String commandId = DerivedIds.of("accountLifecycle", eventId.toString()).toString();
            List<ConsumerRecord<String, byte[]>> commands = commandsKeyed(accountId);
            assertThat(commands).hasSize(1);
            ConsumerRecord<String, byte[]> activate = commands.getFirst();
            assertThat(header(activate, "event-id")).isEqualTo(commandId);
            assertThat(header(activate, "event-type")).isEqualTo("ActivateAccount");
            assertThat(header(activate, "causation-id")).isEqualTo(eventId.toString());
            assertThat(header(activate, "correlation-id")).isEqualTo("conv-" + accountId);
            assertThat(header(activate, "traceparent")).isEqualTo(TRACEPARENT);
            assertThat(JSON.readTree(activate.value()).get("accountId").asString()).isEqualTo(accountId);
            assertThat(output.get("commands")).hasSize(1);
            assertThat(output.get("commands").get(0).get("headers").get("event-id").asString()).isEqualTo(commandId);
            assertThat(output.get("parked")).isEmpty();

            // when: the trigger redelivers the batch (the invocation's answer was lost, or it timed out)
            invoke(kafkaEvents, batch);

            // then: a second copy with the same id, which accounts' exactly-once consumer skips
            assertThat(commandsKeyed(accountId)).extracting(record -> header(record, "event-id"))
                    .containsExactly(commandId, commandId);
        }

        @Test
        void aBatchOfSeveralTopics_publishesTheCommandOfEveryFunctionBoundToEachTopic_inRecordOrder() throws IOException {
            String account = UUID.randomUUID().toString();
            String customer = UUID.randomUUID().toString();

            JsonNode commands = invoke(kafkaEvents, LambdaEvents.msk(mixedRecords(account, customer),
                    kafka.bootstrapServers())).get("commands");

            assertThat(commands).extracting(command -> command.get("function").asString())
                    .containsExactly("accountLifecycle", "orderNotices", "lowStock");
            ConsumerRecord<String, byte[]> deliver = commandsKeyed(account).getFirst();
            String id = DerivedIds.of("accountLifecycle", REGISTERED).toString();
            assertThat(header(deliver, "event-id")).isEqualTo(id);
            assertThat(header(deliver, "event-type")).isEqualTo("DeliverMessage");
            assertThat(header(deliver, "causation-id")).isEqualTo(REGISTERED);
            assertThat(header(deliver, "correlation-id")).isEqualTo("conv-1");
            assertThat(header(deliver, "traceparent")).isEqualTo(TRACEPARENT);
            JsonNode message = JSON.readTree(deliver.value());
            assertThat(message.get("kind").asString()).isEqualTo("CONFIRMATION");
            assertThat(message.get("code").asString()).isEqualTo("602214");
            assertThat(message.get("messageId").asString()).isEqualTo(id);
            assertThat(JSON.readTree(commandsKeyed(customer).getFirst().value()).get("kind").asString())
                    .isEqualTo("ORDER_CONFIRMED");
            assertThat(commandsKeyed("SKU-1")).extracting(record -> header(record, "event-type")).contains("NotifyAdmins");
            assertThat(commands.get(0).get("value").asString()).isEqualTo(new String(deliver.value(), StandardCharsets.UTF_8));
        }

        @Test
        void aRecordNoFunctionCanRead_isParkedAsTheFunctionsAppParksIt_andTheRestOfTheBatchIsPublished()
                throws IOException {
            String account = UUID.randomUUID().toString();
            String notJson = UUID.randomUUID().toString();
            String batch = LambdaEvents.msk(List.of(
                    new KafkaRecord("accounts.events", 0, 50, "account-" + account, headers(notJson, "AccountConfirmed"),
                            "{\"accountId\":"),
                    new KafkaRecord("accounts.events", 0, 51, "account-" + account,
                            Map.of("event-type", "AccountConfirmed"), "{\"accountId\":\"" + account + "\"}"),
                    // a type the contract does not know: not this function's business, no output (as in the app)
                    new KafkaRecord("accounts.events", 0, 52, "account-" + account,
                            headers(UUID.randomUUID().toString(), "AccountRenamed"), "{}"),
                    new KafkaRecord("accounts.events", 0, 53, "account-" + account, headers(CONFIRMED, "AccountConfirmed"),
                            "{\"accountId\":\"" + account + "\"}")), kafka.bootstrapServers());

            JsonNode output = invoke(kafkaEvents, batch);

            assertThat(output.get("commands")).hasSize(1);
            assertThat(commandsKeyed(account)).extracting(record -> header(record, "event-id"))
                    .containsExactly(DerivedIds.of("accountLifecycle", CONFIRMED).toString());
            assertThat(output.get("parked")).extracting(parked -> parked.get("offset").asLong()).containsExactly(50L, 51L);
            String deadLetters = FunctionBinding.ALL.get(0).deadLetterTopic();
            assertThat(deadLetters).isEqualTo("error.accounts.events.functions-accountLifecycle");
            Predicate<ConsumerRecord<String, byte[]>> ours = keyed("account-" + account);
            List<ConsumerRecord<String, byte[]>> parked = probe.readToEnd(deadLetters).stream().filter(ours).toList();
            assertThat(parked).hasSize(2);
            ConsumerRecord<String, byte[]> first = parked.getFirst();
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"accountId\":");
            assertThat(header(first, "event-id")).isEqualTo(notJson);
            assertThat(header(first, "x-original-topic")).isEqualTo("accounts.events");
            assertThat(ByteBuffer.wrap(first.headers().lastHeader("x-original-partition").value()).getInt()).isZero();
            assertThat(ByteBuffer.wrap(first.headers().lastHeader("x-original-offset").value()).getLong()).isEqualTo(50);
            assertThat(header(first, "x-exception-fqcn")).isEqualTo(MalformedMessage.class.getName());
            assertThat(header(first, "x-exception-stacktrace")).contains(MalformedMessage.class.getName());
            assertThat(header(parked.get(1), "x-exception-message")).contains("no 'event-id' header");
        }
    }

    @Nested
    class WhenTheBrokerCannotBeReached {

        private FunctionInvoker unreachable() throws IOException {
            int closed;
            try (ServerSocket socket = new ServerSocket(0)) {
                closed = socket.getLocalPort();
            }
            Map<String, String> settings = Map.of("eventshop.kafka.bootstrap.servers", "127.0.0.1:" + closed,
                    "eventshop.kafka.max.block.ms", "1000", "eventshop.kafka.request.timeout.ms", "1000",
                    "eventshop.kafka.delivery.timeout.ms", "2000");
            settings.forEach(System::setProperty);
            try {
                return new FunctionInvoker("kafkaEvents");
            } finally {
                settings.keySet().forEach(System::clearProperty);
            }
        }

        @Test
        void anInvocationWithCommandsToSend_fails_soTheTriggerRedeliversTheBatch() throws IOException {
            FunctionInvoker invoker = unreachable();

            assertThatThrownBy(() -> invoke(invoker, mskBatch("b-1.example.invalid:9092")))
                    .hasStackTraceContaining(LambdaProducer.PublishFailed.class.getSimpleName());
        }

        @Test
        void anEmptyBatch_orOneWithNothingToSend_succeeds_withoutConnecting() throws IOException {
            FunctionInvoker invoker = unreachable();

            JsonNode empty = invoke(invoker, """
                    {"eventSource":"aws:kafka","eventSourceArn":"%s","bootstrapServers":"b-1.example.invalid:9092",\
                    "records":{}}""".formatted(LambdaEvents.CLUSTER_ARN));
            JsonNode nothing = invoke(invoker, LambdaEvents.msk(mixedRecords("acc-1", "acc-9").subList(1, 3),
                    "b-1.example.invalid:9092"));

            assertThat(empty.get("commands")).isEmpty();
            assertThat(nothing.get("commands")).isEmpty();
            assertThat(nothing.get("parked")).isEmpty();
        }
    }

    private static JsonNode post(String path, Map<String, String> headers, String body) throws IOException {
        return invoke(apiGateway, LambdaEvents.apiGatewayPost(path, headers, body));
    }

    @Test
    void anApiGatewayRequest_carryingAnEvent_isAnsweredWithItsCommand() throws IOException {
        JsonNode response = post("/prod/functions/accountLifecycle",
                Map.of("Content-Type", "application/json", "Event-Id", REGISTERED, "event-type", "AccountRegistered"),
                "{\"accountId\":\"acc-2\",\"email\":\"bob@example.com\",\"name\":\"Bob\",\"role\":\"CUSTOMER\","
                        + "\"confirmationCode\":\"314159\"}");

        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        JsonNode command = JSON.readTree(response.get("body").asString());
        String id = DerivedIds.of("accountLifecycle", REGISTERED).toString();
        assertThat(command.get("accountId").asString()).isEqualTo("acc-2");
        assertThat(command.get("messageId").asString()).isEqualTo(id);
        assertThat(command.get("kind").asString()).isEqualTo("CONFIRMATION");
        assertThat(command.get("code").asString()).isEqualTo("314159");
        JsonNode headers = response.get("headers");
        assertThat(headers.get("event-id").asString()).isEqualTo(id);
        assertThat(headers.get("event-type").asString()).isEqualTo("DeliverMessage");
        assertThat(headers.get("causation-id").asString()).isEqualTo(REGISTERED);
        assertThat(headers.get("kafka-key").asString()).isEqualTo("acc-2");
    }

    @Test
    void anApiGatewayRequest_withNothingToSay_isA204_aMalformedOneA400_andAnUnknownFunctionA404() throws IOException {
        assertThat(post("/functions/orderNotices", Map.of("event-id", SHIPMENT, "event-type", "OrderStockReserved"),
                "{\"orderId\":\"o-2\"}").get("statusCode").asInt()).isEqualTo(204);
        assertThat(post("/functions/orderNotices", Map.of("event-id", CONFIRMED, "event-type", "OrderConfirmed"),
                "{\"orderId\":").get("statusCode").asInt()).isEqualTo(400);
        assertThat(post("/functions/orderNotices", Map.of("event-type", "OrderConfirmed"),
                "{\"orderId\":\"o-2\",\"customerId\":\"acc-9\"}").get("statusCode").asInt()).isEqualTo(400);
        assertThat(post("/functions/nothingHere", Map.of("event-id", CONFIRMED, "event-type", "OrderConfirmed"),
                "{}").get("statusCode").asInt()).isEqualTo(404);
    }

    /** The little of a Lambda context the adapter reads. */
    static final class TestContext implements Context {
        public String getAwsRequestId() { return "test-request"; }
        public String getLogGroupName() { return "/aws/lambda/eventshop-functions"; }
        public String getLogStreamName() { return "test"; }
        public String getFunctionName() { return "eventshop-functions"; }
        public String getFunctionVersion() { return "$LATEST"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:eventshop-functions"; }
        public CognitoIdentity getIdentity() { return null; }
        public ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 30_000; }
        public int getMemoryLimitInMB() { return 512; }
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                public void log(String message) {
                }

                public void log(byte[] message) {
                }
            };
        }
    }
}
