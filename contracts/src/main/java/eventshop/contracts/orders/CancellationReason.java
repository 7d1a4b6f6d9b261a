package eventshop.contracts.orders;

/**
 * Why an order was cancelled. DESIGN §5 lists the first four; the others say who else may stop an order:
 * an administrator ({@link #ADMIN_CANCELLED}), or the customer's account being suspended or archived while
 * the order was not yet confirmed ({@link #ACCOUNT_SUSPENDED}, {@link #ACCOUNT_ARCHIVED}).
 */
public enum CancellationReason {
    OUT_OF_STOCK,
    PAYMENT_DECLINED,
    CUSTOMER_CANCELLED,
    TIMED_OUT,
    /** An administrator cancelled it (the acting user of the event says who). */
    ADMIN_CANCELLED,
    /** The customer's account was suspended before the order was confirmed. */
    ACCOUNT_SUSPENDED,
    /** The customer's account was archived before the order was confirmed. */
    ACCOUNT_ARCHIVED
}
