package eventshop.contracts.inventory;

/** A quantity of one sku. */
public record StockLine(String sku, int quantity) {
}
