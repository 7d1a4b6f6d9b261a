package eventshop.orders;

import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.databind.json.JsonMapper;

/** Small helpers for the Spring tests. */
public final class Fixtures {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final Address ADDRESS = new Address("Ada Lovelace", "1 Analytical St", "", "London", "N1 9GU", "GB");
    public static final String CARD = "tok_visa4242abcdef";

    private Fixtures() {
    }

    /** A customer or order id no other test uses. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A checkout of 2 x SKU-1 at 1250 and 1 x SKU-2 at 499: 2999 + 180 tax = 3179. */
    public static CartCheckedOut checkout(String customerId, String orderId) {
        return new CartCheckedOut(customerId, orderId, "c@example.com",
                List.of(new CheckedOutLine("SKU-1", "Keyboard", 2, 1250, 2500),
                        new CheckedOutLine("SKU-2", "Mouse", 1, 499, 499)),
                2999, 180, 3179, ADDRESS, CARD);
    }

    /** A message as the Kafka binder hands it over: the relay's headers and the record's JSON. */
    public static Message<byte[]> message(String streamId, Object event) {
        return message(UUID.randomUUID(), streamId, event.getClass().getSimpleName(), JSON.writeValueAsBytes(event));
    }

    public static Message<byte[]> message(UUID eventId, String streamId, String type, byte[] payload) {
        return MessageBuilder.withPayload(payload)
                .setHeader(EventHeaders.EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.STREAM_ID, streamId.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.CORRELATION_ID, "checkout-1".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** The stored events of an order. */
    public static List<RecordedEvent> recorded(EventStore store, String orderId) {
        return store.read(Order.streamId(orderId), 0).collectList().block();
    }

    /** The events of an order, decoded. */
    public static List<OrderEvent> events(EventStore store, String orderId) {
        return recorded(store, orderId).stream().map(event -> Orders.CODEC.deserialize(event.type(), event.data(),
                event.metadata().schemaVersion())).toList();
    }
}
