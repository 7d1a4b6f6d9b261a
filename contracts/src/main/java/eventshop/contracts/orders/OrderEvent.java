package eventshop.contracts.orders;

import eventshop.contracts.Address;
import eventshop.contracts.inventory.StockLine;
import java.time.Instant;
import java.util.List;

/**
 * What orders records in stream {@code order-<orderId>}: the order is also the checkout saga, so the
 * stream holds both the public status events (published on {@code orders.events}) and the saga's
 * steps. Status comes only from the status events: {@link OrderPlaced} (PLACED),
 * {@link OrderStockReserved}, {@link OrderPaymentAuthorized}, {@link OrderConfirmed},
 * {@link OrderShipped}, {@link OrderDelivered}, or {@link OrderCancelled} with its reason.
 *
 * <p>Each {@code ...Requested} event is a command to another service recorded as a fact of the order
 * (the log is the outbox): the relay sends it to {@code inventory.commands} or {@code payments.commands}
 * with the stored event's id as the command id, so a retry (a new event, {@code attempt + 1}) is a new
 * command id. {@link ShipmentRequested} is the exception: it is published on {@code orders.events} and the
 * fulfilment function sends the {@code ShipStock}. {@code deadline} is when the saga stops waiting for the reply.
 */
public sealed interface OrderEvent {

    String orderId();

    // ---- status

    /** Placed from a checked-out cart; {@code cardToken} is payments' token, never a card number. */
    record OrderPlaced(String orderId, String customerId, String email, List<OrderLine> lines, long subtotalCents,
                       long taxCents, long totalCents, Address shippingAddress, String cardToken)
            implements OrderEvent {
    }

    record OrderStockReserved(String orderId) implements OrderEvent {
    }

    record OrderPaymentAuthorized(String orderId, long amountCents) implements OrderEvent {
    }

    /** Stock reserved and payment authorized; {@code customerId} so that consumers (notices) need no lookup. */
    record OrderConfirmed(String orderId, String customerId) implements OrderEvent {
    }

    record OrderShipped(String orderId, String customerId) implements OrderEvent {
    }

    record OrderDelivered(String orderId, String customerId) implements OrderEvent {
    }

    /**
     * Terminal; compensations (stock release, void, refund) may still be under way after it.
     * {@code previousStatus} is the status the order had when it was cancelled (PLACED, STOCK_RESERVED or
     * PAYMENT_AUTHORIZED: before it was confirmed, and carts gives the customer the lines back; CONFIRMED
     * or later: after); null in events recorded before the field existed.
     */
    record OrderCancelled(String orderId, String customerId, CancellationReason reason, String detail,
                          OrderStatus previousStatus) implements OrderEvent {
    }

    // ---- saga steps (commands to other services, sent by the relay)

    /** Sent as inventory's {@code ReserveStock}. */
    record StockReservationRequested(String orderId, List<StockLine> lines, int attempt, Instant deadline)
            implements OrderEvent {
    }

    /** Sent as payments' {@code AuthorizePayment}. */
    record PaymentAuthorizationRequested(String orderId, String customerId, String cardToken, long amountCents,
                                         int attempt, Instant deadline) implements OrderEvent {
    }

    /** Sent as payments' {@code CapturePayment}. */
    record PaymentCaptureRequested(String orderId, int attempt, Instant deadline) implements OrderEvent {
    }

    /**
     * Published on {@code orders.events} (not sent as a command): the fulfilment function turns it into
     * inventory's {@code ShipStock}, with a command id derived from this event's id.
     */
    record ShipmentRequested(String orderId, int attempt, Instant deadline) implements OrderEvent {
    }

    /** The (simulated) carrier delivers at {@code dueAt}. */
    record DeliveryScheduled(String orderId, Instant dueAt) implements OrderEvent {
    }

    // ---- compensations (retried until answered)

    /** Sent as inventory's {@code ReleaseStock}. */
    record StockReleaseRequested(String orderId, int attempt, Instant deadline) implements OrderEvent {
    }

    /** Sent as payments' {@code VoidPayment}. */
    record PaymentVoidRequested(String orderId, int attempt, Instant deadline) implements OrderEvent {
    }

    /** Sent as payments' {@code RefundPayment}. */
    record PaymentRefundRequested(String orderId, int attempt, Instant deadline) implements OrderEvent {
    }

    /** A compensation got its answer; {@code reply} is the answering event's type (e.g. {@code StockReleased}). */
    record CompensationCompleted(String orderId, SagaStep step, String reply) implements OrderEvent {
    }
}
