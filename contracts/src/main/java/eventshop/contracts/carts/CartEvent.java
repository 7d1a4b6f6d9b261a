package eventshop.contracts.carts;

import eventshop.contracts.Address;

import java.util.List;

/**
 * What carts publishes on {@code carts.events}, one stream per customer ({@code cart-<customerId>}).
 * After {@link CartCheckedOut} the customer's next item opens a new, empty cart in the same stream.
 */
public sealed interface CartEvent {

    String customerId();

    record CartItemAdded(String customerId, String sku, int quantity) implements CartEvent {
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
}
