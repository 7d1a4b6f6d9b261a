package eventshop.inventory.reservations.domain;

import eventshop.eventsourcing.decider.DomainError;

/** Shipping was asked for an order that holds no reserved stock. */
public final class NothingToShip extends DomainError {

    public NothingToShip(String orderId, String why) {
        super(Kind.CONFLICT, "order " + orderId + " cannot ship: " + why);
    }
}
