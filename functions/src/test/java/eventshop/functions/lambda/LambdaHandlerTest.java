package eventshop.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.functions.handling.DerivedIds;
import eventshop.functions.lambda.LambdaEvents.KafkaRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The functions as an AWS Lambda handler, without AWS: the adapter's {@link FunctionInvoker} (the
 * handler a deployment names, {@code FunctionInvoker::handleRequest}) started on
 * {@link LambdaApplication} and invoked with synthetic MSK and API Gateway events.
 */
class LambdaHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static FunctionInvoker kafkaEvents;
    private static FunctionInvoker apiGateway;

    @BeforeAll
    static void start() {
        // what the aws jar's manifest says (Main-Class); on the test classpath it is said here
        System.setProperty("MAIN_CLASS", LambdaApplication.class.getName());
        kafkaEvents = new FunctionInvoker("kafkaEvents");
        apiGateway = new FunctionInvoker("apiGateway");
    }

    static JsonNode invoke(FunctionInvoker invoker, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, new TestContext());
        return JSON.readTree(out.toByteArray());
    }

    private static Map<String, String> headers(String eventId, String type) {
        return Map.of("event-id", eventId, "event-type", type, "correlation-id", "conv-1",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    static final String REGISTERED = "5a0c1f7e-1111-4c2d-9e8f-000000000001";
    static final String ACTIVATED = "5a0c1f7e-1111-4c2d-9e8f-000000000002";
    static final String SHIPMENT = "5a0c1f7e-1111-4c2d-9e8f-000000000003";
    static final String CONFIRMED = "5a0c1f7e-1111-4c2d-9e8f-000000000004";
    static final String ALLOCATED = "5a0c1f7e-1111-4c2d-9e8f-000000000005";

    static String mskBatch() {
        return LambdaEvents.msk(List.of(
                new KafkaRecord("accounts.events", 0, 41, "account-acc-1", headers(REGISTERED, "AccountRegistered"),
                        "{\"accountId\":\"acc-1\",\"email\":\"ann@example.com\",\"name\":\"Ann\",\"role\":\"CUSTOMER\","
                                + "\"confirmationCode\":\"602214\"}"),
                new KafkaRecord("accounts.events", 0, 42, "account-acc-1", headers(ACTIVATED, "AccountActivated"),
                        "{\"accountId\":\"acc-1\"}"),
                // a step of orders' saga, which orders published until issue 12: no function knows the type
                new KafkaRecord("orders.events", 1, 7, "order-o-1", headers(SHIPMENT, "ShipmentRequested"),
                        "{\"orderId\":\"o-1\",\"attempt\":1,\"deadline\":\"2026-01-01T12:00:00Z\"}"),
                new KafkaRecord("orders.events", 1, 8, "order-o-2", headers(CONFIRMED, "OrderConfirmed"),
                        "{\"orderId\":\"o-2\",\"customerId\":\"acc-9\"}"),
                new KafkaRecord("inventory.events", 0, 3, "stock-SKU-1", headers(ALLOCATED, "StockAllocated"),
                        "{\"sku\":\"SKU-1\",\"orderId\":\"o-2\",\"quantity\":2,\"onHand\":10,\"reserved\":7}"),
                new KafkaRecord("carts.events", 0, 1, "cart-acc-1", headers(ACTIVATED, "CartCleared"),
                        "{\"customerId\":\"acc-1\"}")));
    }

    @Test
    void anMskBatch_isAnsweredWithTheCommandsOfEveryFunctionBoundToEachTopic() throws IOException {
        JsonNode commands = invoke(kafkaEvents, mskBatch()).get("commands");

        assertThat(commands).hasSize(3);
        JsonNode deliver = commands.get(0);
        assertThat(deliver.get("function").asString()).isEqualTo("accountLifecycle");
        assertThat(deliver.get("topic").asString()).isEqualTo("accounts.commands");
        assertThat(deliver.get("key").asString()).isEqualTo("acc-1");
        String id = DerivedIds.of("accountLifecycle", REGISTERED).toString();
        assertThat(deliver.get("headers").get("event-id").asString()).isEqualTo(id);
        assertThat(deliver.get("headers").get("event-type").asString()).isEqualTo("DeliverMessage");
        assertThat(deliver.get("headers").get("causation-id").asString()).isEqualTo(REGISTERED);
        assertThat(deliver.get("headers").get("correlation-id").asString()).isEqualTo("conv-1");
        assertThat(deliver.get("headers").get("traceparent").asString()).startsWith("00-0af7651916cd43dd");
        JsonNode message = JSON.readTree(deliver.get("value").asString());
        assertThat(message.get("kind").asString()).isEqualTo("CONFIRMATION");
        assertThat(message.get("code").asString()).isEqualTo("602214");
        assertThat(message.get("messageId").asString()).isEqualTo(id);

        JsonNode notice = commands.get(1);
        assertThat(notice.get("function").asString()).isEqualTo("orderNotices");
        assertThat(notice.get("key").asString()).isEqualTo("acc-9");
        assertThat(JSON.readTree(notice.get("value").asString()).get("kind").asString()).isEqualTo("ORDER_CONFIRMED");

        JsonNode alert = commands.get(2);
        assertThat(alert.get("function").asString()).isEqualTo("lowStock");
        assertThat(alert.get("headers").get("event-type").asString()).isEqualTo("NotifyAdmins");
        assertThat(JSON.readTree(alert.get("value").asString()).get("kind").asString()).isEqualTo("LOW_STOCK");
    }

    @Test
    void aRedeliveredBatch_givesTheSameCommandIds() throws IOException {
        assertThat(invoke(kafkaEvents, mskBatch())).isEqualTo(invoke(kafkaEvents, mskBatch()));
    }

    @Test
    void aMalformedRecord_failsTheInvocation_soTheTriggerRetriesTheBatch() {
        String batch = LambdaEvents.msk(List.of(new KafkaRecord("accounts.events", 0, 43, "account-acc-1",
                headers(REGISTERED, "AccountRegistered"), "{\"accountId\":")));

        assertThatThrownBy(() -> invoke(kafkaEvents, batch)).hasStackTraceContaining("MalformedMessage");
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
