package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.DomainError;

/** A new token collided with an existing one (ids are random UUIDs: practically never). Never quotes the card number. */
public final class TokenTaken extends DomainError {

    public TokenTaken(String message) {
        super(Kind.CONFLICT, message);
    }
}
