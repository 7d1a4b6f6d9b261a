package eventshop.accounts.domain;

import eventshop.accounts.domain.AccountErrors.EmailTaken;
import eventshop.eventsourcing.decider.Decider;
import java.util.List;

/**
 * Who an e-mail address belongs to: one private stream per normalized address, whose first event claims the address
 * for an account id. Claiming appends to a stream that must not exist yet, so of two registrations racing for one
 * address exactly one wins. A claim is never replaced: if its registration died before creating the account, the next
 * registration of that address completes it under the claimed account id (see the registration use case). When its
 * account is forgotten the claim is released ({@link EmailReleased}) and the address may be claimed again. Never
 * published.
 *
 * <p>Stream ids: {@code email-b-<blind index>} (the address's HMAC-SHA256 under a key derived from the master key,
 * {@link #streamId(String)}); claims made before that are under {@code email-<sha256 of the address>}
 * ({@link #legacyStreamId}), which registration still consults and forgetting releases. The address in
 * {@link EmailClaimed} is sealed for the claimed account (clear in claims made before sealing).
 */
public final class EmailClaim {

    /** The events of an address's claim stream: private to this service. */
    public sealed interface Event {
    }

    /** {@code email} (sealed for {@code accountId}; clear in old claims) belongs to {@code accountId}. */
    public record EmailClaimed(String email, String accountId) implements Event {
    }

    /** The account that held the address was forgotten: the address is free again. */
    public record EmailReleased(String accountId) implements Event {
    }

    public sealed interface Command {
    }

    public record Claim(EmailAddress email, String accountId, Account.Seal seal) implements Command {
        public Claim(EmailAddress email, String accountId) {
            this(email, accountId, Account.Seal.NONE);
        }
    }

    /** Releases the address if {@code accountId} holds it; otherwise nothing changes. */
    public record Release(String accountId) implements Command {
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

    /** How the claim streams' ids start (both forms). */
    public static final String STREAM_PREFIX = "email-";

    /** The claim stream of an address, by its blind index. */
    public static String streamId(String blindIndex) {
        return STREAM_PREFIX + "b-" + blindIndex;
    }

    /** The claim stream of an address as claims made before the blind index named it (read, released, never made). */
    public static String legacyStreamId(EmailAddress email) {
        return STREAM_PREFIX + email.sha256();
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case EmailClaimed claimed -> new Claimed(claimed.accountId());
            case EmailReleased released -> new Unclaimed();
        };
    }

    /** Claims an unclaimed address; claiming again for the same account changes nothing. */
    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case Claim claim -> switch (state) {
                case Unclaimed unclaimed -> List.of(new EmailClaimed(claim.seal().text(claim.email().value()),
                        claim.accountId()));
                case Claimed claimed when claimed.accountId().equals(claim.accountId()) -> List.of();
                case Claimed claimed -> throw new EmailTaken(claimed.accountId());
            };
            case Release release -> switch (state) {
                case Claimed claimed when claimed.accountId().equals(release.accountId()) ->
                        List.of(new EmailReleased(release.accountId()));
                case Claimed claimed -> List.of();
                case Unclaimed unclaimed -> List.of();
            };
        };
    }
}
