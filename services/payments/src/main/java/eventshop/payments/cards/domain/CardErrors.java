package eventshop.payments.cards.domain;

import eventshop.eventsourcing.decider.DomainError;

/** The rules a card command can break; each becomes a problem response with its own type. None quotes the card number. */
public final class CardErrors {

    private CardErrors() {
    }

    /** The card number is not one a processor accepts: format, length or check digit (422). */
    public static final class InvalidCardNumber extends DomainError {
        public InvalidCardNumber(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }

    /** The expiry month is not 1..12, or the year is not a plausible card's (422). */
    public static final class InvalidExpiry extends DomainError {
        public InvalidExpiry(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }

    /** The card's expiry month is in the past (422). */
    public static final class CardExpired extends DomainError {
        public CardExpired() {
            super(Kind.UNPROCESSABLE, "the card has expired");
        }
    }

    /** The card verification code is not 3 or 4 digits (422). */
    public static final class InvalidCvc extends DomainError {
        public InvalidCvc() {
            super(Kind.UNPROCESSABLE, "the card verification code must be 3 or 4 digits");
        }
    }

    /** A new token collided with an existing one (409; ids are random UUIDs: practically never). */
    public static final class TokenTaken extends DomainError {
        public TokenTaken(String token) {
            super(Kind.CONFLICT, "token " + token + " is taken");
        }
    }

    /** No card of the caller's has this token; another customer's card is not found either (404). */
    public static final class CardNotFound extends DomainError {
        public CardNotFound() {
            super(Kind.NOT_FOUND, "no such card");
        }
    }
}
