package eventshop.carts.cart.domain;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Cart lines at given prices: line totals, subtotal, 6% tax rounded half-up to the cent, total.
 * Integer cents throughout; overflow throws instead of wrapping.
 */
public final class Pricing {

    /** Tax rate in percent. */
    public static final long TAX_PERCENT = 6;

    private Pricing() {
    }

    /**
     * A line at its price; {@code available} is false for a discontinued or unknown product;
     * {@code previousUnitPriceCents} is the unit price when the line was added if the price has changed
     * since (null if it has not, or is not known).
     */
    public record PricedLine(String sku, String name, int quantity, long unitPriceCents, long lineTotalCents,
                             boolean available, Long previousUnitPriceCents) {
    }

    /** The lines at their prices and the totals. */
    public record PricedCart(List<PricedLine> lines, long subtotalCents, long taxCents, long totalCents) {

        public static final PricedCart EMPTY = new PricedCart(List.of(), 0, 0, 0);

        public PricedCart {
            lines = List.copyOf(lines);
        }

        /**
         * What its customer may do with the cart as it is now (its {@code _links}): add an item always; with lines,
         * change or remove one and clear the cart; check out when it has lines and every one is still on sale
         * (as {@link Cart#decide} checks a checkout: a cart of none, or with a discontinued line, is refused).
         */
        public Set<Cart.Action> actions() {
            if (lines.isEmpty()) {
                return EnumSet.of(Cart.Action.ADD_ITEM);
            }
            Set<Cart.Action> actions = EnumSet.of(Cart.Action.ADD_ITEM, Cart.Action.CHANGE_QUANTITY,
                    Cart.Action.REMOVE_ITEM, Cart.Action.CLEAR);
            if (lines.stream().allMatch(PricedLine::available)) {
                actions.add(Cart.Action.CHECK_OUT);
            }
            return actions;
        }
    }

    /** 6% of {@code subtotalCents}, rounded half-up to the cent: 1250 → 75, 1258 → 75, 1259 → 76, 25 → 2. */
    public static long taxOf(long subtotalCents) {
        if (subtotalCents < 0) {
            throw new IllegalArgumentException("subtotal must not be negative, was " + subtotalCents);
        }
        return Math.addExact(Math.multiplyExact(subtotalCents, TAX_PERCENT), 50) / 100;
    }

    /**
     * {@code lines} priced from {@code prices}: a discontinued product keeps its last price, an unknown
     * one is shown by its sku at 0; both are not {@code available} and count in no total (they cannot be
     * checked out).
     */
    public static PricedCart price(List<Line> lines, PriceList prices) {
        List<PricedLine> priced = new ArrayList<>(lines.size());
        long subtotal = 0;
        for (Line line : lines) {
            PricedLine pricedLine = switch (prices.product(line.sku())) {
                case Product.OnSale onSale -> priced(line, onSale.name(), onSale.unitPriceCents(), true,
                        previous(line, onSale.unitPriceCents()));
                case Product.Discontinued discontinued -> priced(line, discontinued.name(),
                        discontinued.unitPriceCents(), false, previous(line, discontinued.unitPriceCents()));
                // no price to compare with
                case Product.Unknown unknown -> priced(line, unknown.sku(), 0, false, null);
            };
            priced.add(pricedLine);
            if (pricedLine.available()) {
                subtotal = Math.addExact(subtotal, pricedLine.lineTotalCents());
            }
        }
        long tax = taxOf(subtotal);
        return new PricedCart(priced, subtotal, tax, Math.addExact(subtotal, tax));
    }

    private static PricedLine priced(Line line, String name, long unitPriceCents, boolean available,
                                     Long previousUnitPriceCents) {
        return new PricedLine(line.sku(), name, line.quantity(), unitPriceCents,
                Math.multiplyExact(unitPriceCents, line.quantity()), available, previousUnitPriceCents);
    }

    /** The line's price when added, if it is known and differs from {@code unitPriceCents}. */
    private static Long previous(Line line, long unitPriceCents) {
        Long whenAdded = line.unitPriceCentsWhenAdded();
        return whenAdded != null && whenAdded != unitPriceCents ? whenAdded : null;
    }
}
