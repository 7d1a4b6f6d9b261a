package eventshop.contracts.orders;

/** One line of an order, at the price the cart was checked out at (cents). */
public record OrderLine(String sku, String name, int quantity, long unitPriceCents, long lineTotalCents) {
}
