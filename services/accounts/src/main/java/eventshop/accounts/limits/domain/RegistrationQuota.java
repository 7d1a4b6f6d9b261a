package eventshop.accounts.limits.domain;

import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.DomainError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registrations from one client address, on a private stream ({@code registrations-from-<address>}): at
 * most {@link Policy#limit} in any {@link Policy#window}; one more is refused (429) until the oldest of them
 * leaves the window. Every registration admitted counts, whether it then succeeds or not (an address already
 * taken, say), so the quota also bounds how fast one address can probe which e-mail addresses are registered.
 */
public final class RegistrationQuota {

    /** The most admissions a state remembers; a limit above it is not held. */
    public static final int MAX_LIMIT = 10_000;

    /** At most {@code limit} registrations in any {@code window}. */
    public record Policy(int limit, Duration window) {
        public Policy {
            if (limit < 1 || limit > MAX_LIMIT || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("a registration quota needs 1 <= limit <= " + MAX_LIMIT
                        + " and a window > 0: " + limit + ", " + window);
            }
        }
    }

    public sealed interface Event {
    }

    /** A registration from {@code clientAddress} was let through at {@code at}. */
    public record RegistrationAdmitted(String clientAddress, Instant at) implements Event {
    }

    public sealed interface Command {
    }

    public record Admit(String clientAddress, Instant at, Policy policy) implements Command {
    }

    /** The latest admissions, oldest first (at most {@link #MAX_LIMIT}). */
    public record State(List<Instant> admitted) {
        public State {
            admitted = List.copyOf(admitted);
        }
    }

    /** Too many registrations from this client address lately (429 with {@code Retry-After}). */
    public static final class TooManyRegistrations extends DomainError {
        private final Duration retryAfter;

        public TooManyRegistrations(Policy policy, Duration retryAfter) {
            super(Kind.TOO_MANY_REQUESTS, "too many registrations from your address: at most " + policy.limit()
                    + " in " + words(policy.window()) + "; try again later");
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(retryAfter);
        }
    }

    public static final Decider<Command, Event, State> DECIDER =
            new Decider<>(new State(List.of()), RegistrationQuota::evolve, RegistrationQuota::decide);

    public static final String STREAM_PREFIX = "registrations-from-";

    private RegistrationQuota() {
    }

    public static String streamId(String clientKey) {
        return STREAM_PREFIX + clientKey;
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case RegistrationAdmitted admitted -> {
                List<Instant> times = new ArrayList<>(state.admitted());
                times.add(admitted.at());
                yield new State(times.size() > MAX_LIMIT ? times.subList(times.size() - MAX_LIMIT, times.size()) : times);
            }
        };
    }

    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case Admit admit -> {
                Instant windowStart = admit.at().minus(admit.policy().window());
                List<Instant> inWindow = state.admitted().stream().filter(at -> at.isAfter(windowStart)).toList();
                if (inWindow.size() >= admit.policy().limit()) {
                    Instant frees = inWindow.get(inWindow.size() - admit.policy().limit()).plus(admit.policy().window());
                    throw new TooManyRegistrations(admit.policy(), Duration.between(admit.at(), frees));
                }
                yield List.of(new RegistrationAdmitted(admit.clientAddress(), admit.at()));
            }
        };
    }

    static String words(Duration duration) {
        return duration.toMinutes() >= 60 && duration.toMinutesPart() == 0 ? duration.toHours() + " h"
                : duration.toSeconds() >= 60 && duration.toSecondsPart() == 0 ? duration.toMinutes() + " min"
                : duration.toSeconds() + " s";
    }
}
