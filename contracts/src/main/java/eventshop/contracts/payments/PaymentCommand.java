package eventshop.contracts.payments;

/**
 * Commands payments accepts on {@code payments.commands}, keyed by order id. A command message
 * carries the same headers as an event ({@code event-id} = the command id, used to deduplicate;
 * {@code event-type} = the record's simple name; correlation and trace headers). Payments answers
 * with the {@link PaymentEvent}s of stream {@code payment-<orderId>}.
 *
 * <p>Every command is idempotent per order: a redelivered or repeated one never charges, captures,
 * refunds or voids twice, and records nothing new.
 */
public sealed interface PaymentCommand {

    String orderId();

    /** Hold {@code amountCents} on the card behind {@code cardToken}, which must belong to {@code customerId}. */
    record AuthorizePayment(String orderId, String customerId, String cardToken, long amountCents)
            implements PaymentCommand {
    }

    /** Take the authorized amount. */
    record CapturePayment(String orderId) implements PaymentCommand {
    }

    /** Give back a captured amount (the whole of it). */
    record RefundPayment(String orderId) implements PaymentCommand {
    }

    /** Release an authorization that was not captured. */
    record VoidPayment(String orderId) implements PaymentCommand {
    }
}
