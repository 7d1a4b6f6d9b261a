package eventshop.orders.order.domain;

import eventshop.contracts.Address;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.orders.OrderStatus;
import java.time.Instant;
import java.util.List;

/**
 * What orders records in stream {@code order-<orderId>}: orders' private events. The order is also the
 * checkout saga, so the stream holds two kinds, and {@link OrderMessages} is the one place that says what
 * each becomes outside orders:
 * <ul>
 *   <li>{@link StatusEvent}s, the order's status changes: each is published on {@code orders.events} as the
 *       contract's event of the same name ({@code eventshop.orders.order.domain.OrderEvent}, which also says the
 *       status it stands for);</li>
 *   <li>{@link SagaEvent}s, the saga's own steps: each {@code ...Requested} event is a command to another
 *       service recorded as a fact of the order (the log is the outbox), sent to {@code inventory.commands}
 *       or {@code payments.commands} with the stored event's id as the command id, so a retry (a new event,
 *       {@code attempt + 1}) is a new command id; {@code deadline} is when the saga stops waiting for the
 *       reply. {@link DeliveryScheduled} and {@link CompensationCompleted} send nothing. None is published.</li>
 * </ul>
 * The type names are the records' simple names, as stored since the first version (the saga's steps were in
 * the contract until issue 12, under the same names), so every order's log folds as it did.
 */
public sealed interface OrderEvent {

    String orderId();

    /** A change of the order's status, published on {@code orders.events}. */
    sealed interface StatusEvent extends OrderEvent {
    }

    /** A step of the saga, kept to orders (what it asks of another service goes as a command). */
    sealed interface SagaEvent extends OrderEvent {
    }

    // ---- status

    /** Placed from a checked-out cart; {@code cardToken} is payments' token, never a card number. */
    record OrderPlaced(String orderId, String customerId, String email, List<OrderLine> lines, long subtotalCents,
                       long taxCents, long totalCents, Address shippingAddress, String cardToken)
            implements StatusEvent {
    }

    record OrderStockReserved(String orderId) implements StatusEvent {
    }

    record OrderPaymentAuthorized(String orderId, long amountCents) implements StatusEvent {
    }

    /** Stock reserved and payment authorized. */
    record OrderConfirmed(String orderId, String customerId) implements StatusEvent {
    }

    record OrderShipped(String orderId, String customerId) implements StatusEvent {
    }

    record OrderDelivered(String orderId, String customerId) implements StatusEvent {
    }

    /**
     * Terminal; compensations may still be under way after it. {@code previousStatus} is the status the order
     * had when it was cancelled; null in events recorded before the field existed.
     */
    record OrderCancelled(String orderId, String customerId, CancellationReason reason, String detail,
                          OrderStatus previousStatus) implements StatusEvent {
    }

    // ---- the saga's forward steps

    /** Sent as inventory's {@code ReserveStock}. */
    record StockReservationRequested(String orderId, List<StockLine> lines, int attempt, Instant deadline)
            implements SagaEvent {
    }

    /** Sent as payments' {@code AuthorizePayment}. */
    record PaymentAuthorizationRequested(String orderId, String customerId, String cardToken, long amountCents,
                                         int attempt, Instant deadline) implements SagaEvent {
    }

    /** Sent as payments' {@code CapturePayment}. */
    record PaymentCaptureRequested(String orderId, int attempt, Instant deadline) implements SagaEvent {
    }

    /** Sent as inventory's {@code ShipStock}. */
    record ShipmentRequested(String orderId, int attempt, Instant deadline) implements SagaEvent {
    }

    /** The (simulated) carrier delivers at {@code dueAt}. */
    record DeliveryScheduled(String orderId, Instant dueAt) implements SagaEvent {
    }

    // ---- compensations (retried until answered)

    /** Sent as inventory's {@code ReleaseStock}. */
    record StockReleaseRequested(String orderId, int attempt, Instant deadline) implements SagaEvent {
    }

    /** Sent as payments' {@code VoidPayment}. */
    record PaymentVoidRequested(String orderId, int attempt, Instant deadline) implements SagaEvent {
    }

    /** Sent as payments' {@code RefundPayment}. */
    record PaymentRefundRequested(String orderId, int attempt, Instant deadline) implements SagaEvent {
    }

    /** A compensation got its answer; {@code reply} is the answering event's type (e.g. {@code StockReleased}). */
    record CompensationCompleted(String orderId, SagaStep step, String reply) implements SagaEvent {
    }
}
