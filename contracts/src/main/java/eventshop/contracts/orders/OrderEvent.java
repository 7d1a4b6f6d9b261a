package eventshop.contracts.orders;

import eventshop.contracts.Address;
import java.util.List;

/**
 * What orders publishes on {@code orders.events}, keyed {@code order-<orderId>}: the order's status
 * changes, nothing else. The checkout saga's own steps (the requests to inventory and payments with their
 * attempts and deadlines, the delivery's schedule, the settled compensations) are private events of orders:
 * orders sends the commands they stand for to {@code inventory.commands} and {@code payments.commands}, and
 * never publishes the steps themselves.
 *
 * <p>Each event names the status it puts its order in ({@link #status()}): the one mapping of events to
 * statuses, which every consumer uses. The stream versions of these events have gaps where the private
 * events are; a consumer orders them by version, never expects them consecutive.
 */
public sealed interface OrderEvent {

    String orderId();

    /** The order's status after this event. */
    OrderStatus status();

    /** Placed from a checked-out cart; {@code cardToken} is payments' token, never a card number. */
    record OrderPlaced(String orderId, String customerId, String email, List<OrderLine> lines, long subtotalCents,
                       long taxCents, long totalCents, Address shippingAddress, String cardToken)
            implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.PLACED;
        }
    }

    record OrderStockReserved(String orderId) implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.STOCK_RESERVED;
        }
    }

    record OrderPaymentAuthorized(String orderId, long amountCents) implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.PAYMENT_AUTHORIZED;
        }
    }

    /** Stock reserved and payment authorized; {@code customerId} so that consumers (notices) need no lookup. */
    record OrderConfirmed(String orderId, String customerId) implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.CONFIRMED;
        }
    }

    record OrderShipped(String orderId, String customerId) implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.SHIPPED;
        }
    }

    record OrderDelivered(String orderId, String customerId) implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.DELIVERED;
        }
    }

    /**
     * Terminal; compensations (stock release, void, refund) may still be under way after it.
     * {@code previousStatus} is the status the order had when it was cancelled (PLACED, STOCK_RESERVED or
     * PAYMENT_AUTHORIZED: before it was confirmed, and carts gives the customer the lines back; CONFIRMED
     * or later: after); null in events recorded before the field existed.
     */
    record OrderCancelled(String orderId, String customerId, CancellationReason reason, String detail,
                          OrderStatus previousStatus) implements OrderEvent {
        @Override
        public OrderStatus status() {
            return OrderStatus.CANCELLED;
        }
    }
}
