package eventshop.carts.cart.domain;

/**
 * A cart line: how many of one sku, and the unit price the cart showed when it was last added (or
 * given back by a restored order); null for lines added before that price was recorded.
 */
public record Line(String sku, int quantity, Long unitPriceCentsWhenAdded) {

    /** A line whose price when added is not known. */
    public Line(String sku, int quantity) {
        this(sku, quantity, null);
    }

    Line withQuantity(int quantity) {
        return new Line(sku, quantity, unitPriceCentsWhenAdded);
    }
}
