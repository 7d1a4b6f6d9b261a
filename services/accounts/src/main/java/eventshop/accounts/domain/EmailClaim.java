package eventshop.accounts.domain;

import eventshop.accounts.domain.AccountErrors.EmailTaken;
import eventshop.eventsourcing.decider.Decider;
import java.util.List;

/**
 * Who an e-mail address belongs to: one private stream per normalized address
 * ({@code email-<sha256 hex>}), whose first event claims the address for an account id. Claiming
 * appends to a stream that must not exist yet, so of two registrations racing for one address
 * exactly one wins. A claim is never replaced: if its registration died before creating the account,
 * the next registration of that address completes it under the claimed account id (see the
 * registration use case). Never published.
 */
public final class EmailClaim {

    /** The events of an address's claim stream: private to this service. */
    public sealed interface Event {
    }

    /** {@code email} (normalized) belongs to {@code accountId}. */
    public record EmailClaimed(String email, String accountId) implements Event {
    }

    public sealed interface Command {
    }

    public record Claim(EmailAddress email, String accountId) implements Command {
    }

    public sealed interface State {
    }

    public record Unclaimed() implements State {
    }

    public record Claimed(String accountId) implements State {
    }

    public static final Decider<Command, Event, State> DECIDER =
            new Decider<>(new Unclaimed(), EmailClaim::evolve, EmailClaim::decide);

    private EmailClaim() {
    }

    /** How the claim streams' ids start. */
    public static final String STREAM_PREFIX = "email-";

    /** The claim stream of an address. */
    public static String streamId(EmailAddress email) {
        return STREAM_PREFIX + email.sha256();
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case EmailClaimed claimed -> new Claimed(claimed.accountId());
        };
    }

    /** Claims an unclaimed address; claiming again for the same account changes nothing. */
    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case Claim claim -> switch (state) {
                case Unclaimed unclaimed -> List.of(new EmailClaimed(claim.email().value(), claim.accountId()));
                case Claimed claimed when claimed.accountId().equals(claim.accountId()) -> List.of();
                case Claimed claimed -> throw new EmailTaken(claimed.accountId());
            };
        };
    }
}
