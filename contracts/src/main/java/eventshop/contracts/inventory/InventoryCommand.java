package eventshop.contracts.inventory;

import java.util.List;

/**
 * Commands inventory accepts on {@code inventory.commands}, keyed by order id. A command message
 * carries the same headers as an event ({@code event-id} = the command id, used to deduplicate;
 * {@code event-type} = the record's simple name; correlation and trace headers). Inventory answers
 * with the {@link InventoryEvent.ReservationEvent}s of stream {@code reservation-<orderId>}.
 * Every command is idempotent per order: a redelivered one changes nothing.
 */
public sealed interface InventoryCommand {

    String orderId();

    record ReserveStock(String orderId, List<StockLine> lines) implements InventoryCommand {
    }

    record ReleaseStock(String orderId) implements InventoryCommand {
    }

    record ShipStock(String orderId) implements InventoryCommand {
    }
}
