package eventshop.accounts.limits.domain;

import eventshop.eventsourcing.decider.Decider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Failed logins under one key, on a private stream: the e-mail address logged in with
 * ({@code login-failures-<blind index of the address>} (before the blind index: {@code <sha256 of the address>}, left to expire), an unknown address counted the same as a registered one, so
 * the limit does not tell which addresses exist) or the client address that tried
 * ({@code login-failures-from-<address>}). After {@link Policy#threshold} failures, each less than
 * {@link Policy#window} after the one before, the key is blocked for {@link Policy#firstBlock}, doubled with
 * every further failure up to {@link Policy#maxBlock}; a blocked key's logins are refused unchecked, so while
 * blocked nothing more is counted. How long a failure blocks is decided when it happens and kept in its event,
 * so a changed policy never moves a block already given. Cleared by a successful login (the e-mail key) or by
 * an administrator.
 */
public final class LoginFailures {

    /**
     * When failures block.
     *
     * @param threshold  the failure that blocks first (5: the fifth failure blocks)
     * @param window     failures further apart than this start counting again from one
     * @param firstBlock how long the {@code threshold}-th failure blocks
     * @param maxBlock   the longest block
     */
    public record Policy(int threshold, Duration window, Duration firstBlock, Duration maxBlock) {
        public Policy {
            if (threshold < 1 || window.isNegative() || window.isZero() || firstBlock.isNegative()
                    || maxBlock.compareTo(firstBlock) < 0) {
                throw new IllegalArgumentException("a policy needs threshold >= 1, a window > 0 and "
                        + "0 <= firstBlock <= maxBlock: " + threshold + ", " + window + ", " + firstBlock + ", " + maxBlock);
            }
        }

        /** How long the {@code failures}-th failure in a row blocks: nothing below the threshold, then doubling. */
        public Duration blockAfter(int failures) {
            if (failures < threshold) {
                return Duration.ZERO;
            }
            int doublings = Math.min(failures - threshold, 40);
            Duration block = firstBlock;
            for (int i = 0; i < doublings && block.compareTo(maxBlock) < 0; i++) {
                block = block.multipliedBy(2);
            }
            return block.compareTo(maxBlock) > 0 ? maxBlock : block;
        }
    }

    public sealed interface Event {
    }

    /**
     * A login under this key failed at {@code at}, the {@code failures}-th in a row; from {@code clientAddress}
     * (null when edge named none); logins are refused until {@code blockedUntil} (null: not blocked).
     */
    public record LoginFailed(@Nullable String clientAddress, Instant at, int failures, @Nullable Instant blockedUntil)
            implements Event {
    }

    /** The failures were forgotten: {@code reason} is {@link #LOGGED_IN} or {@link #BY_ADMIN}, {@code by} who. */
    public record LoginFailuresCleared(String reason, String by, Instant at) implements Event {
        public static final String LOGGED_IN = "LOGGED_IN";
        public static final String BY_ADMIN = "BY_ADMIN";
    }

    public sealed interface Command {
    }

    public record RecordFailure(@Nullable String clientAddress, Instant at, Policy policy) implements Command {
    }

    /** Forgets the failures; nothing to forget changes nothing. */
    public record Clear(String reason, String by, Instant at) implements Command {
    }

    public sealed interface State {
    }

    public record NoFailures() implements State {
    }

    public record Failing(int failures, Instant lastFailureAt, @Nullable Instant blockedUntil) implements State {
    }

    public static final Decider<Command, Event, State> DECIDER =
            new Decider<>(new NoFailures(), LoginFailures::evolve, LoginFailures::decide);

    public static final String STREAM_PREFIX = "login-failures-";

    private LoginFailures() {
    }

    /** The stream of the failures of logins with an e-mail address, by its blind index ({@code EmailIndex}). */
    public static String emailStreamId(String emailIndex) {
        return STREAM_PREFIX + emailIndex;
    }

    /** The stream of the failures of logins from a client address ({@code ClientAddress}'s key). */
    public static String clientStreamId(String clientKey) {
        return STREAM_PREFIX + "from-" + clientKey;
    }

    public static State evolve(State state, Event event) {
        return switch (event) {
            case LoginFailed failed -> new Failing(failed.failures(), failed.at(), failed.blockedUntil());
            case LoginFailuresCleared cleared -> new NoFailures();
        };
    }

    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case RecordFailure failure -> {
                int failures = switch (state) {
                    case NoFailures none -> 1;
                    case Failing failing -> failing.lastFailureAt().plus(failure.policy().window())
                            .isBefore(failure.at()) ? 1 : failing.failures() + 1;
                };
                Duration block = failure.policy().blockAfter(failures);
                yield List.of(new LoginFailed(failure.clientAddress(), failure.at(), failures,
                        block.isZero() ? null : failure.at().plus(block)));
            }
            case Clear clear -> switch (state) {
                case NoFailures none -> List.of();
                case Failing failing -> List.of(new LoginFailuresCleared(clear.reason(), clear.by(), clear.at()));
            };
        };
    }

    /** How long logins under this key are still refused at {@code now}; zero when they are not. */
    public static Duration blockedFor(State state, Instant now) {
        return switch (state) {
            case NoFailures none -> Duration.ZERO;
            case Failing failing -> failing.blockedUntil() == null || !failing.blockedUntil().isAfter(now)
                    ? Duration.ZERO : Duration.between(now, failing.blockedUntil());
        };
    }
}
