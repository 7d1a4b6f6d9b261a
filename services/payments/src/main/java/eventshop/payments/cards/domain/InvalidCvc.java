package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The card verification code is not 3 or 4 digits. Never quotes the card number. */
public final class InvalidCvc extends DomainError {

    public InvalidCvc(String message) {
        super(Kind.UNPROCESSABLE, message);
    }
}
