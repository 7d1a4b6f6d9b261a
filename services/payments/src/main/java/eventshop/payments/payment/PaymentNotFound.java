package eventshop.payments.payment;

import eventshop.eventsourcing.decider.DomainError;

/** No payment for this order that the caller may see (another customer's is not found either). */
public final class PaymentNotFound extends DomainError {

    public PaymentNotFound(String orderId) {
        super(Kind.NOT_FOUND, "no payment for order " + orderId);
    }
}
