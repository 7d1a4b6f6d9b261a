package eventshop.inventory.stock.domain;

import eventshop.eventsourcing.decider.DomainError;

/** A quantity outside 1..max. */
public final class InvalidQuantity extends DomainError {

    public InvalidQuantity(int quantity, int max) {
        super(Kind.UNPROCESSABLE, "quantity must be 1.." + max + ", was " + quantity);
    }
}
