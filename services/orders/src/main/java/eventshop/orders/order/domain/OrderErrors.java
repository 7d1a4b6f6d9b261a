package eventshop.orders.order.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The rules an order command can break; each becomes a problem response with its own type. */
public final class OrderErrors {

    private OrderErrors() {
    }

    /** No such order, or, to a customer, not theirs (404). */
    public static final class OrderNotFound extends DomainError {
        public OrderNotFound(String orderId) {
            super(Kind.NOT_FOUND, "there is no order " + orderId);
        }
    }

    /** An order can be cancelled only until its shipment is requested (409). */
    public static final class OrderNotCancellable extends DomainError {
        public OrderNotCancellable(String orderId, String why) {
            super(Kind.CONFLICT, "order " + orderId + " can no longer be cancelled: " + why);
        }
    }
}
