package eventshop.orders.order.domain;

import eventshop.contracts.Topics;
import eventshop.contracts.inventory.InventoryCommand.ReleaseStock;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.orders.OrderStatus;
import eventshop.contracts.payments.PaymentCommand.AuthorizePayment;
import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.contracts.payments.PaymentCommand.RefundPayment;
import eventshop.contracts.payments.PaymentCommand.VoidPayment;
import eventshop.orders.order.domain.OrderEvent.CompensationCompleted;
import eventshop.orders.order.domain.OrderEvent.DeliveryScheduled;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.OrderConfirmed;
import eventshop.orders.order.domain.OrderEvent.OrderDelivered;
import eventshop.orders.order.domain.OrderEvent.OrderPaymentAuthorized;
import eventshop.orders.order.domain.OrderEvent.OrderPlaced;
import eventshop.orders.order.domain.OrderEvent.OrderShipped;
import eventshop.orders.order.domain.OrderEvent.OrderStockReserved;
import eventshop.orders.order.domain.OrderEvent.PaymentAuthorizationRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentCaptureRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentRefundRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentVoidRequested;
import eventshop.orders.order.domain.OrderEvent.SagaEvent;
import eventshop.orders.order.domain.OrderEvent.ShipmentRequested;
import eventshop.orders.order.domain.OrderEvent.StatusEvent;
import eventshop.orders.order.domain.OrderEvent.StockReleaseRequested;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import java.util.Objects;

/**
 * The one place where orders' private events meet the published language: what each event of an order
 * becomes outside orders. A status event is published on {@code orders.events} as the contract's event
 * (which names the status: so an order's status, in orders as in every consumer, is the one the published
 * event says); a {@code ...Requested} step is a command to inventory or payments on its command topic; the
 * rest stays in orders' log. The relay's routes ({@code saga.OrderRoutes}) only serialize what this answers.
 * Pure.
 */
public final class OrderMessages {

    private OrderMessages() {
    }

    /** What one event of an order becomes outside orders. */
    public sealed interface Message {
    }

    /** Published on {@code orders.events}. */
    public record Publish(eventshop.contracts.orders.OrderEvent event) implements Message {
        public Publish {
            Objects.requireNonNull(event, "event");
        }
    }

    /** A command (a record of the contract's {@code InventoryCommand} or {@code PaymentCommand}) to {@code topic}. */
    public record Send(String topic, Record command) implements Message {
        public Send {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(command, "command");
        }
    }

    /** Nothing: the event stays in orders' log. */
    public enum Keep implements Message {
        INSTANCE
    }

    /** What {@code event} becomes. */
    public static Message of(OrderEvent event) {
        return switch (event) {
            case StatusEvent status -> new Publish(published(status));
            case SagaEvent step -> sent(step);
        };
    }

    /** The status {@code event} puts its order in, or null for a step of the saga (which changes none). */
    public static OrderStatus statusAfter(OrderEvent event) {
        return event instanceof StatusEvent status ? published(status).status() : null;
    }

    /** The published form of a status event. */
    public static eventshop.contracts.orders.OrderEvent published(StatusEvent event) {
        return switch (event) {
            case OrderPlaced placed -> new eventshop.contracts.orders.OrderEvent.OrderPlaced(placed.orderId(),
                    placed.customerId(), placed.email(), placed.lines(), placed.subtotalCents(), placed.taxCents(),
                    placed.totalCents(), placed.shippingAddress(), placed.cardToken());
            case OrderStockReserved reserved ->
                    new eventshop.contracts.orders.OrderEvent.OrderStockReserved(reserved.orderId());
            case OrderPaymentAuthorized authorized -> new eventshop.contracts.orders.OrderEvent.OrderPaymentAuthorized(
                    authorized.orderId(), authorized.amountCents());
            case OrderConfirmed confirmed -> new eventshop.contracts.orders.OrderEvent.OrderConfirmed(
                    confirmed.orderId(), confirmed.customerId());
            case OrderShipped shipped ->
                    new eventshop.contracts.orders.OrderEvent.OrderShipped(shipped.orderId(), shipped.customerId());
            case OrderDelivered delivered -> new eventshop.contracts.orders.OrderEvent.OrderDelivered(
                    delivered.orderId(), delivered.customerId());
            case OrderCancelled cancelled -> new eventshop.contracts.orders.OrderEvent.OrderCancelled(
                    cancelled.orderId(), cancelled.customerId(), cancelled.reason(), cancelled.detail(),
                    cancelled.previousStatus());
        };
    }

    private static Message sent(SagaEvent step) {
        return switch (step) {
            case StockReservationRequested requested ->
                    new Send(Topics.INVENTORY_COMMANDS, new ReserveStock(requested.orderId(), requested.lines()));
            case ShipmentRequested requested -> new Send(Topics.INVENTORY_COMMANDS, new ShipStock(requested.orderId()));
            case StockReleaseRequested requested ->
                    new Send(Topics.INVENTORY_COMMANDS, new ReleaseStock(requested.orderId()));
            case PaymentAuthorizationRequested requested -> new Send(Topics.PAYMENTS_COMMANDS,
                    new AuthorizePayment(requested.orderId(), requested.customerId(), requested.cardToken(),
                            requested.amountCents()));
            case PaymentCaptureRequested requested ->
                    new Send(Topics.PAYMENTS_COMMANDS, new CapturePayment(requested.orderId()));
            case PaymentVoidRequested requested -> new Send(Topics.PAYMENTS_COMMANDS, new VoidPayment(requested.orderId()));
            case PaymentRefundRequested requested ->
                    new Send(Topics.PAYMENTS_COMMANDS, new RefundPayment(requested.orderId()));
            case DeliveryScheduled scheduled -> Keep.INSTANCE;
            case CompensationCompleted completed -> Keep.INSTANCE;
        };
    }
}
