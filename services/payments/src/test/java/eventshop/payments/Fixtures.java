package eventshop.payments;

import eventshop.contracts.payments.PaymentEvent;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** Small helpers for the Spring tests. */
public final class Fixtures {

    public static final JsonEventCodec<PaymentEvent> CODEC = JsonEventCodec.of(PaymentEvent.class);
    public static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private Fixtures() {
    }

    /** A customer no other test uses. */
    public static EdgeUser newCustomer() {
        String id = "acc-" + UUID.randomUUID();
        return EdgeUser.customer(id, "c-" + id.substring(4, 12) + "@example.com");
    }

    /** An order id no other test uses. */
    public static String newOrder() {
        return "order-" + UUID.randomUUID();
    }

    public static CommandContext context() {
        return CommandContext.start(UUID.randomUUID(), "test");
    }

    /** The stored events of a stream. */
    public static List<RecordedEvent> recorded(EventStore store, String streamId) {
        return store.read(streamId, 0).collectList().block();
    }

    /** The events of a payment stream, decoded. */
    public static List<PaymentEvent> events(EventStore store, String streamId) {
        return recorded(store, streamId).stream()
                .map(event -> CODEC.deserialize(event.type(), event.data(), event.metadata().schemaVersion()))
                .toList();
    }

    /** A command message as the Kafka binder hands it to the consumer. */
    public static Message<byte[]> command(UUID commandId, String type, String json) {
        return MessageBuilder.withPayload(json.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_ID, commandId.toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.STREAM_ID, "order-x")
                .setHeader(EventHeaders.SOURCE, "orders")
                .setHeader(EventHeaders.CORRELATION_ID, "checkout-42")
                .setHeader(EventHeaders.ACTING_USER, "acc-1")
                .setHeader(EventHeaders.TRACEPARENT, TRACEPARENT)
                .build();
    }

    public static String authorizeJson(String orderId, String customerId, String cardToken, long amountCents) {
        return "{\"orderId\":\"" + orderId + "\",\"customerId\":\"" + customerId + "\",\"cardToken\":\"" + cardToken
                + "\",\"amountCents\":" + amountCents + "}";
    }

    public static String orderJson(String orderId) {
        return "{\"orderId\":\"" + orderId + "\"}";
    }
}
