package eventshop.inventory.stock.domain;

import eventshop.eventsourcing.decider.DomainError;

/** An allocation asked for more than is available. */
public final class InsufficientStock extends DomainError {

    private final String sku;
    private final int requested;
    private final int available;

    public InsufficientStock(String sku, int requested, int available) {
        super(Kind.CONFLICT, "sku " + sku + ": " + requested + " requested, " + available + " available");
        this.sku = sku;
        this.requested = requested;
        this.available = available;
    }

    public String sku() {
        return sku;
    }

    public int requested() {
        return requested;
    }

    public int available() {
        return available;
    }

    /** How many units are missing. */
    public int shortage() {
        return requested - Math.max(0, available);
    }
}
