package eventshop.orders.order.domain;

import eventshop.eventsourcing.decider.DomainError;

/** No such order (or, to a customer, not theirs). */
public final class OrderNotFound extends DomainError {

    public OrderNotFound(String orderId) {
        super(Kind.NOT_FOUND, "there is no order " + orderId);
    }
}
