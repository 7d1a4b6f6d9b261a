package eventshop.inventory.stock.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The rules a stock command can break; each becomes a problem response with its own type. */
public final class StockErrors {

    private StockErrors() {
    }

    /** A quantity outside 1..max (422). */
    public static final class InvalidQuantity extends DomainError {
        public InvalidQuantity(int quantity, int max) {
            super(Kind.UNPROCESSABLE, "quantity must be 1.." + max + ", was " + quantity);
        }
    }

    /** A receipt without a kind, or with a reference that is too long (422). */
    public static final class InvalidReceipt extends DomainError {
        public InvalidReceipt(int maxReference) {
            super(Kind.UNPROCESSABLE, "a receipt needs a kind (DELIVERY, CUSTOMER_RETURN, STOCKTAKE_FOUND) and a"
                    + " reference of at most " + maxReference + " characters (empty for none)");
        }
    }

    /** A receipt would take a sku's stock on hand above {@link Stock#MAX_ON_HAND} (422). */
    public static final class StockLimitExceeded extends DomainError {
        public StockLimitExceeded(String sku, int onHand, int quantity, int max) {
            super(Kind.UNPROCESSABLE, "sku " + sku + " has " + onHand + " on hand; receiving " + quantity
                    + " more would exceed " + max);
        }
    }

    /** An allocation asked for more than is available (409). */
    public static final class InsufficientStock extends DomainError {
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
}
