package eventshop.orders.order.domain;

import eventshop.eventsourcing.decider.DomainError;

/** An order can be cancelled only until its shipment is requested. */
public final class OrderNotCancellable extends DomainError {

    public OrderNotCancellable(String orderId, String why) {
        super(Kind.CONFLICT, "order " + orderId + " can no longer be cancelled: " + why);
    }
}
