package eventshop.contracts.payments;

/**
 * What payments publishes on {@code payments.events}, one stream per order ({@code payment-<orderId>}):
 * the answers to {@link PaymentCommand}s. A payment is authorized or declined once; an authorized one
 * is then captured or voided, and a captured one may be refunded. No event ever carries a card number:
 * only the token's brand and last four digits.
 */
public sealed interface PaymentEvent {

    String orderId();

    record PaymentAuthorized(String orderId, String customerId, long amountCents, String brand, String last4)
            implements PaymentEvent {
    }

    record PaymentDeclined(String orderId, String customerId, long amountCents, DeclineReason reason)
            implements PaymentEvent {
    }

    record PaymentCaptured(String orderId, long amountCents) implements PaymentEvent {
    }

    record PaymentRefunded(String orderId, long amountCents) implements PaymentEvent {
    }

    record PaymentVoided(String orderId, long amountCents) implements PaymentEvent {
    }

    /**
     * A command that cannot apply to the payment as it stands (capture before authorization, refund of
     * nothing captured, ...). Recorded so the sender gets an answer instead of waiting for its deadline.
     */
    record PaymentCommandRejected(String orderId, String command, String reason) implements PaymentEvent {
    }

    enum DeclineReason {
        /** The card issuer said no. */
        CARD_DECLINED,
        INSUFFICIENT_FUNDS,
        /** Over the processor's limit of 500000 cents. */
        AMOUNT_TOO_LARGE,
        /** No such token, or the token belongs to another customer. */
        UNKNOWN_CARD,
        CARD_EXPIRED
    }
}
