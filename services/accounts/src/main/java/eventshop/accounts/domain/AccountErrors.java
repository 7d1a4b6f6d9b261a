package eventshop.accounts.domain;

import eventshop.eventsourcing.decider.DomainError;

/**
 * The business rules an account command can break. Each is a {@link DomainError}, so the HTTP layer
 * answers with a problem whose {@code type} ends in the class name in kebab case
 * ({@code /problems/wrong-confirmation-code}).
 */
public final class AccountErrors {

    private AccountErrors() {
    }

    /** The command addresses an account that was never registered (404). */
    public static final class AccountNotFound extends DomainError {
        public AccountNotFound() {
            super("there is no such account");
        }

        @Override
        public Kind kind() {
            return Kind.NOT_FOUND;
        }
    }

    /** Registering an account id that is already registered (409). */
    public static final class AccountAlreadyRegistered extends DomainError {
        public AccountAlreadyRegistered(String accountId) {
            super("account " + accountId + " is already registered");
        }

        @Override
        public Kind kind() {
            return Kind.CONFLICT;
        }
    }

    /** A lifecycle command the account's current status does not allow (409). */
    public static final class IllegalAccountTransition extends DomainError {
        public IllegalAccountTransition(String action, AccountStatus status) {
            super("cannot " + action + " an account that is " + status);
        }

        @Override
        public Kind kind() {
            return Kind.CONFLICT;
        }
    }

    /** Address or card changes to a suspended or archived account (409). */
    public static final class AccountLocked extends DomainError {
        public AccountLocked(AccountStatus status) {
            super("the account is " + status + "; its address and cards cannot change");
        }

        @Override
        public Kind kind() {
            return Kind.CONFLICT;
        }
    }

    /** A confirmation code that is not the one the account was registered with (422). */
    public static final class WrongConfirmationCode extends DomainError {
        public WrongConfirmationCode() {
            super("the confirmation code is not the one sent to the account's mailbox");
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** A registration with a malformed field (422). */
    public static final class InvalidRegistration extends DomainError {
        public InvalidRegistration(String detail) {
            super(detail);
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** A suspension reason over the limit (422). */
    public static final class ReasonTooLong extends DomainError {
        public ReasonTooLong(int max) {
            super("the reason must have at most " + max + " characters");
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** An e-mail address that is not one (422). */
    public static final class InvalidEmail extends DomainError {
        public InvalidEmail() {
            super("the e-mail address is not valid (at most 254 characters, local@domain.tld)");
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** The e-mail address belongs to another account (409). */
    public static final class EmailTaken extends DomainError {
        private final String claimedBy;

        public EmailTaken(String claimedBy) {
            super("an account with this e-mail address already exists");
            this.claimedBy = claimedBy;
        }

        /** The account id the address is claimed for (never shown to callers). */
        public String claimedBy() {
            return claimedBy;
        }

        @Override
        public Kind kind() {
            return Kind.CONFLICT;
        }
    }

    /** An address missing a required part, or with a part too long (422). */
    public static final class InvalidAddress extends DomainError {
        public InvalidAddress(String detail) {
            super(detail);
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** A card with an unknown brand, a malformed last4 or expiry (422). */
    public static final class InvalidCard extends DomainError {
        public InvalidCard(String detail) {
            super(detail);
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /**
     * A card token that is not one of the caller's cards at payments: unknown, or another customer's (422;
     * payments does not tell which, and neither does this). The same type carts answers at checkout.
     */
    public static final class UnknownCard extends DomainError {
        public UnknownCard() {
            super("the card token is not one of your cards; tokenize the card with payments first");
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** A card whose expiry month has passed (422). */
    public static final class CardExpired extends DomainError {
        public CardExpired(int expMonth, int expYear) {
            super("the card expired in " + expYear + "-" + (expMonth < 10 ? "0" : "") + expMonth);
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** An eleventh card (422). */
    public static final class TooManyCards extends DomainError {
        public TooManyCards(int max) {
            super("an account keeps at most " + max + " cards; remove one first");
        }

        @Override
        public Kind kind() {
            return Kind.UNPROCESSABLE;
        }
    }

    /** Removing a card the account does not hold (404). */
    public static final class CardNotFound extends DomainError {
        public CardNotFound() {
            super("the account holds no card with this token");
        }

        @Override
        public Kind kind() {
            return Kind.NOT_FOUND;
        }
    }

    /** Setting the first password of an account that already has one (409). */
    public static final class PasswordAlreadySet extends DomainError {
        public PasswordAlreadySet(String accountId) {
            super("account " + accountId + " already has a password");
        }

        @Override
        public Kind kind() {
            return Kind.CONFLICT;
        }
    }
}
