package eventshop.payments.cards;

import eventshop.eventsourcing.decider.DomainError;

/** No card of the caller's has this token (another customer's card is not found either). */
public final class CardNotFound extends DomainError {

    public CardNotFound() {
        super(Kind.NOT_FOUND, "no such card");
    }
}
