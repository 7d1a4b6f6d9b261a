package eventshop.inventory.stock.domain;

import eventshop.eventsourcing.decider.DomainError;

/** A quantity outside 1..max. */
public final class InvalidQuantity extends DomainError {

    public InvalidQuantity(int quantity, int max) {
        super("quantity must be 1.." + max + ", was " + quantity);
    }

    @Override
    public Kind kind() {
        return Kind.UNPROCESSABLE;
    }
}
