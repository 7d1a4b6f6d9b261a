package eventshop.carts.prices;

import eventshop.contracts.catalog.CatalogEvent;
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

/** Messages of {@code catalog.events} as the catalog's log relay publishes them: payload and {@link EventHeaders}. */
public final class CatalogMessages {

    private static final JsonEventCodec<CatalogEvent> CODEC = JsonEventCodec.of(CatalogEvent.class);
    private static final AtomicLong POSITION = new AtomicLong();

    private CatalogMessages() {
    }

    /** {@code event} at {@code version} of its stream {@code product-<sku>}. */
    public static Message<byte[]> message(long version, CatalogEvent event) {
        return message(event.sku(), version, CODEC.typeOf(event),
                new String(CODEC.serialize(event), StandardCharsets.UTF_8));
    }

    /** An event of any type and payload at {@code version} of {@code product-<sku>}. */
    public static Message<byte[]> message(String sku, long version, String type, String json) {
        RecordedEvent recorded = new RecordedEvent(UUID.randomUUID(), "product-" + sku, version,
                POSITION.getAndIncrement(), type, json.getBytes(StandardCharsets.UTF_8),
                new Metadata("corr-1", "cmd-1", "admin-1", Instant.parse("2025-01-02T03:04:05Z"), 1, Map.of()));
        return MessageBuilder.withPayload(recorded.data()).copyHeaders(EventHeaders.of(recorded, "catalog")).build();
    }

    public static UUID eventId(Message<byte[]> message) {
        return UUID.fromString((String) message.getHeaders().get(EventHeaders.EVENT_ID));
    }
}
