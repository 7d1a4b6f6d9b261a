package eventshop.orders.saga;

import eventshop.contracts.Topics;
import eventshop.contracts.inventory.InventoryCommand;
import eventshop.contracts.inventory.InventoryCommand.ReleaseStock;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.CompensationCompleted;
import eventshop.contracts.orders.OrderEvent.DeliveryScheduled;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderEvent.OrderDelivered;
import eventshop.contracts.orders.OrderEvent.OrderPaymentAuthorized;
import eventshop.contracts.orders.OrderEvent.OrderPlaced;
import eventshop.contracts.orders.OrderEvent.OrderShipped;
import eventshop.contracts.orders.OrderEvent.OrderStockReserved;
import eventshop.contracts.orders.OrderEvent.PaymentAuthorizationRequested;
import eventshop.contracts.orders.OrderEvent.PaymentCaptureRequested;
import eventshop.contracts.orders.OrderEvent.PaymentRefundRequested;
import eventshop.contracts.orders.OrderEvent.PaymentVoidRequested;
import eventshop.contracts.orders.OrderEvent.ShipmentRequested;
import eventshop.contracts.orders.OrderEvent.StockReleaseRequested;
import eventshop.contracts.orders.OrderEvent.StockReservationRequested;
import eventshop.contracts.payments.PaymentCommand;
import eventshop.contracts.payments.PaymentCommand.AuthorizePayment;
import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.contracts.payments.PaymentCommand.RefundPayment;
import eventshop.contracts.payments.PaymentCommand.VoidPayment;
import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventsourcing.relay.RelayRoutes.Route;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the relay sends each event of an order's stream (the log is the outbox): every
 * {@code ...Requested} event but {@link ShipmentRequested} is a command to inventory or payments, with the
 * stored event's id as the command id; everything else is published as stored on {@code orders.events}.
 * {@code ShipmentRequested} is published too: the fulfilment function (module {@code functions}) sends the
 * {@code ShipStock}. A pure function of the event.
 */
@Configuration(proxyBeanMethods = false)
public class OrderRoutes {

    /** A command message: topic, {@code event-type} header (the command record's simple name), JSON payload. */
    public record Command(String topic, String type, byte[] data) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The relay's routes: a {@code ...Requested} event (but the shipment's) to its command topic (listed in
     * {@code eventshop.relay.command-topics}), everything else to {@code orders.events}; an event of a
     * type this service does not know (none should exist) is published as stored.
     */
    @Bean
    public RelayRoutes orderRelayRoutes() {
        return OrderRoutes::route;
    }

    /** {@link #commandFor} as a relay route of a stored event. */
    public static Route route(RecordedEvent event) {
        if (!Orders.CODEC.typeNames().contains(event.type())) {
            return Route.events();
        }
        return commandFor(Orders.CODEC.deserialize(event.type(), event.data(), event.metadata().schemaVersion()))
                .map(command -> Route.send(command.topic(), command.type(), command.data()))
                .orElse(Route.events());
    }

    /** The command {@code event} stands for, or empty if it is published on {@code orders.events}. */
    public static Optional<Command> commandFor(OrderEvent event) {
        return switch (event) {
            case StockReservationRequested requested ->
                    inventory(new ReserveStock(requested.orderId(), requested.lines()));
            case StockReleaseRequested requested -> inventory(new ReleaseStock(requested.orderId()));
            case PaymentAuthorizationRequested requested -> payments(new AuthorizePayment(requested.orderId(),
                    requested.customerId(), requested.cardToken(), requested.amountCents()));
            case PaymentCaptureRequested requested -> payments(new CapturePayment(requested.orderId()));
            case PaymentVoidRequested requested -> payments(new VoidPayment(requested.orderId()));
            case PaymentRefundRequested requested -> payments(new RefundPayment(requested.orderId()));
            // published as stored: the fulfilment function turns it into inventory's ShipStock
            case ShipmentRequested requested -> Optional.empty();
            case OrderPlaced placed -> Optional.empty();
            case OrderStockReserved reserved -> Optional.empty();
            case OrderPaymentAuthorized authorized -> Optional.empty();
            case OrderConfirmed confirmed -> Optional.empty();
            case OrderShipped shipped -> Optional.empty();
            case OrderDelivered delivered -> Optional.empty();
            case OrderCancelled cancelled -> Optional.empty();
            case DeliveryScheduled scheduled -> Optional.empty();
            case CompensationCompleted completed -> Optional.empty();
        };
    }

    private static Optional<Command> inventory(InventoryCommand command) {
        return Optional.of(new Command(Topics.INVENTORY_COMMANDS, command.getClass().getSimpleName(),
                JSON.writeValueAsBytes(command)));
    }

    private static Optional<Command> payments(PaymentCommand command) {
        return Optional.of(new Command(Topics.PAYMENTS_COMMANDS, command.getClass().getSimpleName(),
                JSON.writeValueAsBytes(command)));
    }
}
