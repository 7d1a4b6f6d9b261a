package eventshop.accounts.limits;

import eventshop.eventsourcing.decider.DomainError;
import java.time.Duration;
import java.util.Optional;

/**
 * Logins with this e-mail address, or from this client address, failed too often lately: refused without a check
 * until the block ends (429 {@code too-many-login-attempts} with {@code Retry-After}).
 */
public final class TooManyLoginAttempts extends DomainError {

    private final Duration retryAfter;

    public TooManyLoginAttempts(Duration retryAfter) {
        super(Kind.TOO_MANY_REQUESTS, "too many failed logins; try again in "
                + Math.max(1, retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0)) + " s");
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.of(retryAfter);
    }
}
