package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The card's expiry month is in the past. Never quotes the card number. */
public final class CardExpired extends DomainError {

    public CardExpired(String message) {
        super(Kind.UNPROCESSABLE, message);
    }
}
