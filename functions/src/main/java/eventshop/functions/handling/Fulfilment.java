package eventshop.functions.handling;

import eventshop.contracts.inventory.InventoryCommand;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.ShipmentRequested;
import java.util.Optional;

/**
 * Fulfilment on {@code orders.events}: an order's {@code ShipmentRequested} becomes inventory's
 * {@code ShipStock}. Every (re)try of the order's shipment step is a new event, hence a new command
 * id; a redelivered one is the same command, which inventory applies once.
 *
 * <p>The key is {@code order-<orderId>}, the key the orders relay gives the order's other inventory
 * commands (its stream id), so all of one order's commands share a partition.
 */
public final class Fulfilment implements Handler<OrderEvent, InventoryCommand> {

    public static final String NAME = "fulfilment";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Outgoing<InventoryCommand>> on(OrderEvent event, String eventId) {
        if (event instanceof ShipmentRequested requested) {
            return Optional.of(new Outgoing<>(DerivedIds.of(NAME, eventId), "order-" + requested.orderId(),
                    new ShipStock(requested.orderId())));
        }
        // the order's other events (status, other saga steps) are not this function's business; a
        // new kind of order event must not break it, so no exhaustive switch here
        return Optional.empty();
    }
}
