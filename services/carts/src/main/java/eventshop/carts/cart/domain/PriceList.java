package eventshop.carts.cart.domain;

import java.util.Map;

/**
 * The products of some skus as the price view had them at one moment; a sku it does not hold is
 * {@link Product.Unknown}. Immutable.
 */
public record PriceList(Map<String, Product> products) {

    public static final PriceList EMPTY = new PriceList(Map.of());

    public PriceList {
        products = Map.copyOf(products);
    }

    public Product product(String sku) {
        Product product = products.get(sku);
        return product != null ? product : new Product.Unknown(sku);
    }
}
