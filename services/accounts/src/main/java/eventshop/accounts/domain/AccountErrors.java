package eventshop.accounts.domain;

import eventshop.eventsourcing.decider.DomainError;
import java.time.Duration;
import java.util.Optional;

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
            super(Kind.NOT_FOUND, "there is no such account");
        }
    }

    /** Registering an account id that is already registered (409). */
    public static final class AccountAlreadyRegistered extends DomainError {
        public AccountAlreadyRegistered(String accountId) {
            super(Kind.CONFLICT, "account " + accountId + " is already registered");
        }
    }

    /** A lifecycle command the account's current status does not allow (409). */
    public static final class IllegalAccountTransition extends DomainError {
        public IllegalAccountTransition(String action, AccountStatus status) {
            super(Kind.CONFLICT, "cannot " + action + " an account that is " + status);
        }
    }

    /** Address or card changes to a suspended or archived account (409). */
    public static final class AccountLocked extends DomainError {
        public AccountLocked(AccountStatus status) {
            super(Kind.CONFLICT, "the account is " + status + "; its address and cards cannot change");
        }
    }

    /** A confirmation code that is not the account's (422). */
    public static final class WrongConfirmationCode extends DomainError {
        public WrongConfirmationCode() {
            super(Kind.UNPROCESSABLE, "the confirmation code is not the one sent to the account's mailbox");
        }

        /** Wrong, with {@code triesLeft} more tries before the code is void. */
        public WrongConfirmationCode(int triesLeft) {
            super(Kind.UNPROCESSABLE, "the confirmation code is not the one sent to the account's mailbox; "
                    + triesLeft + (triesLeft == 1 ? " more try" : " more tries") + " before the code is void");
        }
    }

    /**
     * The confirmation code is void after {@link ConfirmationCode#MAX_WRONG} wrong tries (422): the try that made it
     * void and every later one, the right code included, until a new code is issued.
     */
    public static final class ConfirmationCodeVoid extends DomainError {
        public ConfirmationCodeVoid() {
            super(Kind.UNPROCESSABLE, "the confirmation code is void after " + ConfirmationCode.MAX_WRONG
                    + " wrong codes; ask for a new code (POST /api/accounts/me/confirmation-code, or 'send a new code' in"
                    + " your mailbox)");
        }
    }

    /** A new confirmation code asked for too soon after the last (429 with {@code Retry-After}). */
    public static final class TooManyCodeRequests extends DomainError {
        private final Duration retryAfter;

        public TooManyCodeRequests(Duration retryAfter) {
            super(Kind.TOO_MANY_REQUESTS, "a new code was sent a moment ago; look in your mailbox, or ask again later");
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(retryAfter);
        }
    }

    /** A password that is among the most common ones, which guessers try first (422). */
    public static final class CommonPassword extends DomainError {
        public CommonPassword() {
            super(Kind.UNPROCESSABLE, "this password is among the most common ones, which are guessed first;"
                    + " choose another (a few unrelated words make a good one)");
        }
    }

    /** A registration with a malformed field (422). */
    public static final class InvalidRegistration extends DomainError {
        public InvalidRegistration(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }

    /** A suspension reason over the limit (422). */
    public static final class ReasonTooLong extends DomainError {
        public ReasonTooLong(int max) {
            super(Kind.UNPROCESSABLE, "the reason must have at most " + max + " characters");
        }
    }

    /** An e-mail address that is not one (422). */
    public static final class InvalidEmail extends DomainError {
        public InvalidEmail() {
            super(Kind.UNPROCESSABLE, "the e-mail address is not valid (at most 254 characters, local@domain.tld)");
        }
    }

    /** The e-mail address belongs to another account (409). */
    public static final class EmailTaken extends DomainError {
        private final String claimedBy;

        public EmailTaken(String claimedBy) {
            super(Kind.CONFLICT, "an account with this e-mail address already exists");
            this.claimedBy = claimedBy;
        }

        /** The account id the address is claimed for (never shown to callers). */
        public String claimedBy() {
            return claimedBy;
        }
    }

    /** An address missing a required part, or with a part too long (422). */
    public static final class InvalidAddress extends DomainError {
        public InvalidAddress(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }

    /** A card with an unknown brand, a malformed last4 or expiry (422). */
    public static final class InvalidCard extends DomainError {
        public InvalidCard(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }

    /**
     * A card token that is not one of the caller's cards at payments: unknown, or another customer's (422;
     * payments does not tell which, and neither does this). The same type carts answers at checkout.
     */
    public static final class UnknownCard extends DomainError {
        public UnknownCard() {
            super(Kind.UNPROCESSABLE, "the card token is not one of your cards; tokenize the card with payments first");
        }
    }

    /** A card whose expiry month has passed (422). */
    public static final class CardExpired extends DomainError {
        public CardExpired(int expMonth, int expYear) {
            super(Kind.UNPROCESSABLE, "the card expired in " + expYear + "-" + (expMonth < 10 ? "0" : "") + expMonth);
        }
    }

    /** An eleventh card (422). */
    public static final class TooManyCards extends DomainError {
        public TooManyCards(int max) {
            super(Kind.UNPROCESSABLE, "an account keeps at most " + max + " cards; remove one first");
        }
    }

    /** Removing a card the account does not hold (404). */
    public static final class CardNotFound extends DomainError {
        public CardNotFound() {
            super(Kind.NOT_FOUND, "the account holds no card with this token");
        }
    }

    /** Setting the first password of an account that already has one (409). */
    public static final class PasswordAlreadySet extends DomainError {
        public PasswordAlreadySet(String accountId) {
            super(Kind.CONFLICT, "account " + accountId + " already has a password");
        }
    }

    /**
     * "Forget me" with a password that is not the account's (422: the caller may ask, the proof is wrong): nothing is
     * forgotten.
     */
    public static final class WrongPassword extends DomainError {
        public WrongPassword() {
            super(Kind.UNPROCESSABLE, "the password is not this account's; nothing was forgotten");
        }
    }

    /** Forgetting the last administrator would leave the store without one (409): nothing is forgotten. */
    public static final class LastAdministrator extends DomainError {
        public LastAdministrator() {
            super(Kind.CONFLICT, "this is the last administrator account; make another administrator first");
        }
    }
}
