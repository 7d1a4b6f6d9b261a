package eventshop.accounts.domain;

import eventshop.accounts.domain.AccountErrors.PasswordAlreadySet;
import eventshop.eventsourcing.decider.Decider;
import java.util.List;

/**
 * An account's password hash, on a private stream ({@code credentials-<accountId>}) whose events
 * are never published: the hash must not leave the service. The hash arrives made (the hashing
 * function is the application's); this decider only keeps the rule that the first password is set
 * once, which makes setting it the point where two registrations completing the same unfinished
 * one are told apart.
 */
public final class Credentials {

    /** The events of a credentials stream: private to this service. */
    public sealed interface Event {
    }

    /** The account's password is now the one {@code passwordHash} verifies. */
    public record PasswordSet(String accountId, String passwordHash) implements Event {
        @Override
        public String toString() {
            return "PasswordSet[accountId=" + accountId + ", passwordHash=<redacted>]";
        }
    }

    public sealed interface Command {
    }

    /** Sets the password of an account that has none yet. */
    public record SetInitialPassword(String accountId, String passwordHash) implements Command {
        @Override
        public String toString() {
            return "SetInitialPassword[accountId=" + accountId + ", passwordHash=<redacted>]";
        }
    }

    public sealed interface State {
    }

    public record NoPassword() implements State {
    }

    public record HasPassword(String accountId) implements State {
    }

    public static final Decider<Command, Event, State> DECIDER =
            new Decider<>(new NoPassword(), Credentials::evolve, Credentials::decide);

    private Credentials() {
    }

    /** The credentials stream of an account. */
    public static String streamId(String accountId) {
        return "credentials-" + accountId;
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case PasswordSet set -> new HasPassword(set.accountId());
        };
    }

    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case SetInitialPassword set -> switch (state) {
                case NoPassword none -> List.of(new PasswordSet(set.accountId(), set.passwordHash()));
                case HasPassword has -> throw new PasswordAlreadySet(set.accountId());
            };
        };
    }
}
