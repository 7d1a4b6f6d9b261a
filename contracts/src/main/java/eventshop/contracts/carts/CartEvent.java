package eventshop.contracts.carts;

import eventshop.contracts.Address;

import java.util.List;

/**
 * What carts publishes on {@code carts.events}, one stream per customer ({@code cart-<customerId>}).
 * After {@link CartCheckedOut} the customer's next item opens a new, empty cart in the same stream.
 * Readers pass over types they do not know: the contract grows by new types and new fields.
 */
public sealed interface CartEvent {

    String customerId();

    /**
     * {@code quantity} of {@code sku} added, at {@code unitPriceCents} as the cart priced it then (null in
     * events recorded before the price was kept: no price change can be shown for those).
     */
    record CartItemAdded(String customerId, String sku, int quantity, Long unitPriceCents) implements CartEvent {
    }

    record CartItemQuantityChanged(String customerId, String sku, int quantity) implements CartEvent {
    }

    record CartItemRemoved(String customerId, String sku) implements CartEvent {
    }

    record CartCleared(String customerId) implements CartEvent {
    }

    /** The cart became order {@code orderId}, at these prices; totals in cents, tax 6% of the subtotal half-up. */
    record CartCheckedOut(String customerId, String orderId, String email, List<CheckedOutLine> lines,
                          long subtotalCents, long taxCents, long totalCents, Address shippingAddress,
                          String cardToken) implements CartEvent {
    }

    record CheckedOutLine(String sku, String name, int quantity, long unitPriceCents, long lineTotalCents) {
    }

    /**
     * Order {@code orderId}, which this cart became, was cancelled before it was confirmed, and its lines
     * came back into the cart: {@code lines} were added (to a line the customer holds meanwhile, if any),
     * {@code skipped} were not, each with why. Happens at most once per order.
     */
    record CartRestored(String customerId, String orderId, List<RestoredLine> lines, List<SkippedLine> skipped)
            implements CartEvent {
    }

    /** {@code quantity} of {@code sku} given back, at the unit price the order was checked out at. */
    record RestoredLine(String sku, int quantity, long unitPriceCents) {
    }

    /** {@code quantity} of {@code sku} of the order that did not come back, and why. */
    record SkippedLine(String sku, int quantity, SkipReason reason) {
    }

    /** Why (part of) an order's line did not come back into the cart. */
    enum SkipReason {
        /** The product is no longer on sale. */
        DISCONTINUED,
        /** The catalog, as carts knows it, has no such product. */
        UNKNOWN_PRODUCT,
        /** The cart's line already holds what the per-line limit (1000) allows; the rest is skipped. */
        LINE_QUANTITY_LIMIT,
        /** The cart already holds the most lines it may (50); this new line is skipped. */
        CART_LINE_LIMIT
    }
}
