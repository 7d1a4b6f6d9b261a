package eventshop.inventory.stock.domain;

import eventshop.eventsourcing.decider.DomainError;

/** A receipt would take a sku's stock on hand above {@link Stock#MAX_ON_HAND}. */
public final class StockLimitExceeded extends DomainError {

    public StockLimitExceeded(String sku, int onHand, int quantity, int max) {
        super(Kind.UNPROCESSABLE, "sku " + sku + " has " + onHand + " on hand; receiving " + quantity
                + " more would exceed " + max);
    }
}
