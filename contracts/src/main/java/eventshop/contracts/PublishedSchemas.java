package eventshop.contracts;

import eventshop.contracts.inventory.InventorySchema;
import java.util.List;

/**
 * Every published event type's schema history, in one place: what the relay publishes is always the
 * current version, but the topics still hold the versions published before a change, and a rebuild reads
 * them again. How to change a published event: {@code docs/schema-evolution.md}.
 */
public final class PublishedSchemas {

    /** The histories of all services' published events. */
    public static final List<SchemaHistory> ALL = List.of(InventorySchema.HISTORY);

    private PublishedSchemas() {
    }
}
