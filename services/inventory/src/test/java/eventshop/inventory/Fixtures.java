package eventshop.inventory;

import eventshop.contracts.inventory.InventoryEvent;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Small helpers for the Spring tests. */
public final class Fixtures {

    public static final JsonEventCodec<InventoryEvent> CODEC = JsonEventCodec.of(InventoryEvent.class);

    private Fixtures() {
    }

    /** A sku no other test uses. */
    public static String newSku(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
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

    /** The events of a stream, decoded. */
    public static List<InventoryEvent> events(EventStore store, String streamId) {
        return recorded(store, streamId).stream()
                .map(event -> CODEC.deserialize(event.type(), event.data(), event.metadata().schemaVersion()))
                .toList();
    }
}
