package eventshop.catalog.stock;

import eventshop.contracts.inventory.InventoryEvent;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** Messages as inventory's log relay publishes them on {@code inventory.events}: payload, key and headers. */
public final class InventoryMessages {

    private static final JsonEventCodec<InventoryEvent> CODEC = JsonEventCodec.of(InventoryEvent.class);
    private static final AtomicLong POSITIONS = new AtomicLong();

    private InventoryMessages() {
    }

    /** {@code event} recorded at {@code version} of {@code stream}, under a new event id. */
    public static Message<byte[]> message(String stream, long version, InventoryEvent event) {
        return message(UUID.randomUUID(), stream, version, CODEC.typeOf(event), CODEC.serialize(event),
                CODEC.schemaVersionOf(event));
    }

    /** A stock event of {@code stock-<sku>}. */
    public static Message<byte[]> stock(long version, InventoryEvent.SkuEvent event) {
        return message("stock-" + event.sku(), version, event);
    }

    /** A message with a payload of schema version 1 (what inventory published before any schema change). */
    public static Message<byte[]> message(UUID eventId, String stream, long version, String type, byte[] data) {
        return message(eventId, stream, version, type, data, 1);
    }

    /** A message with a payload of {@code schemaVersion}. */
    public static Message<byte[]> message(UUID eventId, String stream, long version, String type, byte[] data,
                                          int schemaVersion) {
        RecordedEvent recorded = new RecordedEvent(eventId, stream, version, POSITIONS.getAndIncrement(), type, data,
                new Metadata("correlation-" + eventId, "command-" + eventId, "inventory-admin",
                        Instant.parse("2025-01-02T03:04:05Z"), schemaVersion, Map.of()));
        return MessageBuilder.withPayload(data)
                .copyHeaders(EventHeaders.of(recorded, "inventory"))
                .setHeader(KafkaHeaders.RECEIVED_KEY, EventHeaders.key(recorded))
                .build();
    }
}
