package eventshop.carts.cart.domain;

import eventshop.eventsourcing.decider.DomainError;
import java.util.List;

/** The rules a cart command can break; each becomes a problem response with its own type. */
public final class CartErrors {

    private CartErrors() {
    }

    /** A quantity outside 1..{@value Cart#MAX_QUANTITY} (422). */
    public static final class InvalidQuantity extends DomainError {
        public InvalidQuantity(int quantity) {
            super(Kind.UNPROCESSABLE, "quantity must be between 1 and " + Cart.MAX_QUANTITY + ", was " + quantity);
        }
    }

    /** Adding would take one line above {@value Cart#MAX_QUANTITY} (422). */
    public static final class LineQuantityExceeded extends DomainError {
        public LineQuantityExceeded(String sku, int inCart, int adding) {
            super(Kind.UNPROCESSABLE, "the cart holds " + inCart + " of " + sku + "; adding " + adding
                    + " would exceed " + Cart.MAX_QUANTITY + " per line");
        }
    }

    /** A new line beyond {@value Cart#MAX_LINES} distinct skus (422). */
    public static final class TooManyLines extends DomainError {
        public TooManyLines(String sku) {
            super(Kind.UNPROCESSABLE, "the cart already holds " + Cart.MAX_LINES + " different products; " + sku
                    + " does not fit");
        }
    }

    /** The catalog has no such sku (422: the request names something that cannot be ordered). */
    public static final class UnknownProduct extends DomainError {
        private final String sku;

        public UnknownProduct(String sku) {
            super(Kind.UNPROCESSABLE, "there is no product " + sku + " in the catalog");
            this.sku = sku;
        }

        public String sku() {
            return sku;
        }
    }

    /** The product was discontinued: it cannot be added, and a cart holding it cannot check out (422). */
    public static final class DiscontinuedProduct extends DomainError {
        private final List<String> skus;

        public DiscontinuedProduct(List<String> skus) {
            super(Kind.UNPROCESSABLE, (skus.size() == 1 ? "product " + skus.getFirst() + " is"
                    : "products " + String.join(", ", skus) + " are") + " discontinued; remove "
                    + (skus.size() == 1 ? "it" : "them") + " from the cart");
            this.skus = List.copyOf(skus);
        }

        public List<String> skus() {
            return skus;
        }
    }

    /** Changing or removing a sku the cart does not hold (404: that line does not exist). */
    public static final class ItemNotInCart extends DomainError {
        public ItemNotInCart(String sku) {
            super(Kind.NOT_FOUND, "the cart holds no " + sku);
        }
    }

    /** Checking out a cart without lines (409). */
    public static final class CartIsEmpty extends DomainError {
        public CartIsEmpty(String detail) {
            super(Kind.CONFLICT, detail);
        }
    }

    /**
     * A checkout under an idempotency key that was used for order {@code orderId} already, with another
     * request (address, card), or after the cart changed since that checkout (422): answering the same
     * order would tell the client that what it asks now was ordered. A new checkout needs a new key.
     */
    public static final class IdempotencyKeyReused extends DomainError {
        private final String orderId;

        private IdempotencyKeyReused(String orderId, String why) {
            super(Kind.UNPROCESSABLE, "this Idempotency-Key was used for order " + orderId + " " + why
                    + "; send a new key for a new checkout");
            this.orderId = orderId;
        }

        static IdempotencyKeyReused withAnotherRequest(String orderId) {
            return new IdempotencyKeyReused(orderId, "with another shipping address or card");
        }

        static IdempotencyKeyReused afterTheCartChanged(String orderId) {
            return new IdempotencyKeyReused(orderId, "and the cart has changed since");
        }

        /** The order the key was used for. */
        public String orderId() {
            return orderId;
        }
    }

    /**
     * The checkout's card token is not one of the customer's cards at payments: unknown, or another
     * customer's (422; payments does not tell which, and neither does this).
     */
    public static final class UnknownCard extends DomainError {
        public UnknownCard() {
            super(Kind.UNPROCESSABLE, "the card token is not one of your cards; tokenize the card with payments first");
        }
    }

    /** The checkout's card has expired (422, the same type payments answers at tokenization). */
    public static final class CardExpired extends DomainError {
        public CardExpired(java.time.YearMonth expiry) {
            super(Kind.UNPROCESSABLE, "the card expired at the end of " + expiry + "; pay with another card");
        }
    }
}
