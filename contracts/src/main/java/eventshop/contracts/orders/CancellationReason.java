package eventshop.contracts.orders;

/** Why an order was cancelled. */
public enum CancellationReason {
    OUT_OF_STOCK,
    PAYMENT_DECLINED,
    CUSTOMER_CANCELLED,
    TIMED_OUT
}
