package eventshop.contracts.orders;

/** An order's status, which comes only from its events. DELIVERED and CANCELLED are terminal. */
public enum OrderStatus {
    PLACED,
    STOCK_RESERVED,
    PAYMENT_AUTHORIZED,
    CONFIRMED,
    SHIPPED,
    DELIVERED,
    CANCELLED
}
