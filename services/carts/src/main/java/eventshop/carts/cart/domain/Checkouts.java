package eventshop.carts.cart.domain;

import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a cart remembers of the orders it became: for each order the request it was checked out with
 * (shipping address and card token, to tell a retried checkout from a different one under the same
 * idempotency key) and its lines (to give them back if the order is cancelled before it is confirmed),
 * and which orders were given back already. Immutable.
 */
public record Checkouts(Map<String, Checkout> byOrderId, Set<String> restored) {

    public static final Checkouts NONE = new Checkouts(Map.of(), Set.of());

    public Checkouts {
        byOrderId = Map.copyOf(byOrderId);
        restored = Set.copyOf(restored);
    }

    /** One checkout: the request and the lines at the prices they were ordered at. */
    public record Checkout(Address shippingAddress, String cardToken, List<CheckedOutLine> lines) {
        public Checkout {
            lines = List.copyOf(lines);
        }

        /** Whether a checkout request with this address and card is this one again. */
        boolean sameRequest(Address shippingAddress, String cardToken) {
            return Objects.equals(this.shippingAddress, shippingAddress) && Objects.equals(this.cardToken, cardToken);
        }
    }

    public Optional<Checkout> of(String orderId) {
        return Optional.ofNullable(byOrderId.get(orderId));
    }

    public boolean wasRestored(String orderId) {
        return restored.contains(orderId);
    }

    Checkouts with(CartCheckedOut checkedOut) {
        Map<String, Checkout> next = new HashMap<>(byOrderId);
        next.put(checkedOut.orderId(), new Checkout(checkedOut.shippingAddress(), checkedOut.cardToken(),
                checkedOut.lines()));
        return new Checkouts(next, restored);
    }

    Checkouts restoring(String orderId) {
        Set<String> next = new HashSet<>(restored);
        next.add(orderId);
        return new Checkouts(byOrderId, next);
    }
}
