package eventshop.carts.restoring;

import eventshop.contracts.orders.OrderEvent;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** Messages of {@code orders.events} as the orders' log relay publishes them: payload and {@link EventHeaders}. */
public final class OrderMessages {

    private static final JsonEventCodec<OrderEvent> CODEC = JsonEventCodec.of(OrderEvent.class);
    private static final AtomicLong POSITION = new AtomicLong();

    private OrderMessages() {
    }

    /** {@code event} of stream {@code order-<orderId>}, with a new event id. */
    public static Message<byte[]> message(OrderEvent event) {
        return message(event.orderId(), CODEC.typeOf(event), new String(CODEC.serialize(event), StandardCharsets.UTF_8));
    }

    /** An event of any type and payload of stream {@code order-<orderId>}. */
    public static Message<byte[]> message(String orderId, String type, String json) {
        RecordedEvent recorded = new RecordedEvent(UUID.randomUUID(), "order-" + orderId, 3,
                POSITION.getAndIncrement(), type, json.getBytes(StandardCharsets.UTF_8),
                new Metadata("corr-1", "cmd-1", "system", Instant.parse("2026-01-02T03:04:05Z"), 1, Map.of()));
        return MessageBuilder.withPayload(recorded.data()).copyHeaders(EventHeaders.of(recorded, "orders")).build();
    }
}
