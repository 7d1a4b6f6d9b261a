package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The card number is not one a processor accepts (format, length or check digit). Never quotes the card number. */
public final class InvalidCardNumber extends DomainError {

    public InvalidCardNumber(String message) {
        super(Kind.UNPROCESSABLE, message);
    }
}
