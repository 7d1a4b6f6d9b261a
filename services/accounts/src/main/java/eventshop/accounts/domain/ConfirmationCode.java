package eventshop.accounts.domain;

import eventshop.accounts.domain.AccountErrors.ConfirmationCodeVoid;
import eventshop.accounts.domain.AccountErrors.TooManyCodeRequests;
import eventshop.eventsourcing.decider.Decider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The tries at an account's confirmation code, on a private stream ({@code confirmation-<accountId>}). The code
 * is the one the account was registered with until a new one is issued. After {@link #MAX_WRONG} wrong codes the
 * code is void: every try is refused, the right code too, until the customer asks for a new one (at most one per
 * {@code minInterval}); a new code starts the count again. Tries are decided here, one after another on this
 * stream, so that concurrent guesses cannot slip past the count.
 */
public final class ConfirmationCode {

    /** Wrong codes after which the code is void. */
    public static final int MAX_WRONG = 5;

    public sealed interface Event {
    }

    /** A wrong code was tried: the {@code wrongCodes}-th since the code was issued. */
    public record ConfirmationCodeRefused(String accountId, int wrongCodes, Instant at) implements Event {
    }

    /** The code is void after too many wrong tries; only a new code confirms. */
    public record ConfirmationCodeVoided(String accountId, Instant at) implements Event {
    }

    /** A new code replaces the one before (which no longer confirms). */
    public record ConfirmationCodeIssued(String accountId, String code, Instant at) implements Event {
        @Override
        public String toString() {
            return "ConfirmationCodeIssued[accountId=" + accountId + ", code=<redacted>, at=" + at + "]";
        }
    }

    public sealed interface Command {
    }

    /**
     * Tries {@code code}; {@code registeredCode} is the account's code from its registration (the one that holds
     * until a new one is issued). The right code records nothing; a wrong one is recorded and refused by the caller.
     */
    public record Try(String accountId, String code, String registeredCode, Instant at) implements Command {
        @Override
        public String toString() {
            return "Try[accountId=" + accountId + "]";
        }
    }

    /** Issues {@code code} unless the last one was issued less than {@code minInterval} before {@code at}. */
    public record Issue(String accountId, String code, Instant at, Duration minInterval) implements Command {
        @Override
        public String toString() {
            return "Issue[accountId=" + accountId + ", at=" + at + "]";
        }
    }

    /**
     * @param issuedCode the code issued last, null while the registration's holds
     * @param issuedAt   when it was issued
     * @param wrongCodes wrong tries since then
     * @param isVoid     whether the code is void
     */
    public record State(@Nullable String issuedCode, @Nullable Instant issuedAt, int wrongCodes, boolean isVoid) {
        public static final State INITIAL = new State(null, null, 0, false);

        /** The code that confirms now (when not void). */
        public String code(String registeredCode) {
            return issuedCode != null ? issuedCode : registeredCode;
        }
    }

    public static final Decider<Command, Event, State> DECIDER =
            new Decider<>(State.INITIAL, ConfirmationCode::evolve, ConfirmationCode::decide);

    private ConfirmationCode() {
    }

    public static String streamId(String accountId) {
        return "confirmation-" + accountId;
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case ConfirmationCodeRefused refused ->
                    new State(state.issuedCode(), state.issuedAt(), refused.wrongCodes(), state.isVoid());
            case ConfirmationCodeVoided voided -> new State(state.issuedCode(), state.issuedAt(), state.wrongCodes(), true);
            case ConfirmationCodeIssued issued -> new State(issued.code(), issued.at(), 0, false);
        };
    }

    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case Try attempt -> {
                if (state.isVoid()) {
                    throw new ConfirmationCodeVoid();
                }
                if (same(state.code(attempt.registeredCode()), attempt.code())) {
                    yield List.of();
                }
                int wrong = state.wrongCodes() + 1;
                ConfirmationCodeRefused refused = new ConfirmationCodeRefused(attempt.accountId(), wrong, attempt.at());
                yield wrong >= MAX_WRONG
                        ? List.of(refused, new ConfirmationCodeVoided(attempt.accountId(), attempt.at()))
                        : List.of(refused);
            }
            case Issue issue -> {
                if (state.issuedAt() != null && state.issuedAt().plus(issue.minInterval()).isAfter(issue.at())) {
                    throw new TooManyCodeRequests(Duration.between(issue.at(), state.issuedAt().plus(issue.minInterval())));
                }
                yield List.of(new ConfirmationCodeIssued(issue.accountId(), issue.code(), issue.at()));
            }
        };
    }

    /** Whether {@code given} (trimmed) is {@code expected}, in a time that does not depend on where they differ. */
    public static boolean same(String expected, @Nullable String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.strip().getBytes(StandardCharsets.UTF_8));
    }
}
