package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The expiry month is not 1..12, or the year is not a plausible card's. Never quotes the card number. */
public final class InvalidExpiry extends DomainError {

    public InvalidExpiry(String message) {
        super(Kind.UNPROCESSABLE, message);
    }
}
