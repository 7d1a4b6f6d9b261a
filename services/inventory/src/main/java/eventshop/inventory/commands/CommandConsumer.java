package eventshop.inventory.commands;

import eventshop.contracts.inventory.InventoryCommand;
import eventshop.contracts.inventory.InventoryCommand.ReleaseStock;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.inventory.reservations.Reservations;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The commands other services send on {@code inventory.commands} (binding {@code inventoryCommands-in-0},
 * group {@code inventory}): {@code ReserveStock}, {@code ReleaseStock}, {@code ShipStock}, named by the
 * {@code event-type} header, the record's JSON as payload, the command id in {@code event-id}.
 *
 * <p>The answers are the events of the order's reservation stream, which the log relay publishes on
 * {@code inventory.events}. A command id seen before is skipped ({@link ExactlyOnce}); but since the
 * effect appends to the event store, not to the database the skip is recorded in, a command can be
 * applied again after a crash between the two, and the reservation's decider and the sku streams'
 * per-order allocations make that change nothing (see {@link Reservations}). A message that is not an
 * inventory command, or one without a usable order id, is a {@link MalformedMessage}, parked at once.
 */
@Configuration(proxyBeanMethods = false)
public class CommandConsumer {

    /** The name processed commands are recorded under. */
    public static final String CONSUMER = "inventory-commands";

    private static final JsonEventCodec<InventoryCommand> CODEC = JsonEventCodec.of(InventoryCommand.class);

    @Bean
    public Consumer<Message<byte[]>> inventoryCommands(ExactlyOnce exactlyOnce, Reservations reservations) {
        return exactlyOnce.consumer(CONSUMER, message -> handle(message, reservations));
    }

    static void handle(IncomingEvent message, Reservations reservations) {
        switch (message.decode(CODEC)) {
            case ReserveStock reserve -> reservations.reserve(reserve, message.causedContext());
            case ReleaseStock release -> reservations.release(release, message.causedContext());
            case ShipStock ship -> reservations.ship(ship, message.causedContext());
        }
    }
}
