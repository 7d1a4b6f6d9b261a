package eventshop.carts.cart.domain;

/** A cart line: how many of one sku. */
public record Line(String sku, int quantity) {
}
