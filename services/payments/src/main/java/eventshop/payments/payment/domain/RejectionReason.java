package eventshop.payments.payment.domain;

/** Why a payment command could not apply; its name is the {@code reason} of {@code PaymentCommandRejected}. */
public enum RejectionReason {
    /** Capture before any authorization. */
    NOT_AUTHORIZED,
    /** Capture or void of a declined payment. */
    PAYMENT_DECLINED,
    /** Capture after a void, or authorization after the payment was closed by a void. */
    PAYMENT_VOIDED,
    /** Void of a captured payment (refund it instead). */
    ALREADY_CAPTURED,
    /** Void of a refunded payment. */
    ALREADY_REFUNDED,
    /** Refund when nothing was captured. */
    NOTHING_CAPTURED,
    /** Authorization of zero or fewer cents. */
    INVALID_AMOUNT
}
