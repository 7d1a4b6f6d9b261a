package eventshop.orders.order.domain;

import eventshop.eventsourcing.decider.DomainError;

/** No such order (or, to a customer, not theirs). */
public final class OrderNotFound extends DomainError {

    public OrderNotFound(String orderId) {
        super("there is no order " + orderId);
    }

    @Override
    public Kind kind() {
        return Kind.NOT_FOUND;
    }
}
