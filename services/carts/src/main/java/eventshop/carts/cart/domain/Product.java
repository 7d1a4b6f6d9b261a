package eventshop.carts.cart.domain;

/**
 * What the cart knows of a sku when it decides: the application layer looks it up in the local
 * price view (fed from {@code catalog.events}) and puts it on the command, so deciding stays pure.
 */
public sealed interface Product {

    String sku();

    /** Can be added and checked out at this price. */
    record OnSale(String sku, String name, long unitPriceCents) implements Product {
    }

    /** Was sold at its last price; can no longer be added or checked out. */
    record Discontinued(String sku, String name, long unitPriceCents) implements Product {
    }

    /** The catalog never announced this sku (or the price view has not heard of it yet). */
    record Unknown(String sku) implements Product {
    }
}
