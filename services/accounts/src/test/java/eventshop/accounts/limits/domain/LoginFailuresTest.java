package eventshop.accounts.limits.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.accounts.limits.domain.LoginFailures.Clear;
import eventshop.accounts.limits.domain.LoginFailures.LoginFailed;
import eventshop.accounts.limits.domain.LoginFailures.LoginFailuresCleared;
import eventshop.accounts.limits.domain.LoginFailures.Policy;
import eventshop.accounts.limits.domain.LoginFailures.RecordFailure;
import eventshop.eventsourcing.testing.DeciderFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LoginFailuresTest {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static final String FROM = "203.0.113.7";
    static final Policy POLICY = new Policy(5, Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMinutes(15));

    final DeciderFixture<LoginFailures.Command, LoginFailures.Event, LoginFailures.State> key =
            DeciderFixture.of(LoginFailures.DECIDER);

    /** {@code n} failures a second apart from T0, the last one blocking as the policy says. */
    static List<LoginFailures.Event> failures(int n) {
        List<LoginFailures.Event> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Instant at = T0.plusSeconds(i - 1);
            Duration block = POLICY.blockAfter(i);
            events.add(new LoginFailed(FROM, at, i, block.isZero() ? null : at.plus(block)));
        }
        return events;
    }

    @Nested
    class Counting {

        @Test
        void the_first_four_failures_do_not_block() {
            LoginFailures.State state = key.given(failures(3).toArray(LoginFailures.Event[]::new))
                    .when(new RecordFailure(FROM, T0.plusSeconds(3), POLICY))
                    .then(new LoginFailed(FROM, T0.plusSeconds(3), 4, null));
            assertThat(LoginFailures.blockedFor(state, T0.plusSeconds(3))).isZero();
        }

        @Test
        void the_fifth_failure_blocks_for_the_first_block() {
            LoginFailures.State state = key.given(failures(4).toArray(LoginFailures.Event[]::new))
                    .when(new RecordFailure(FROM, T0.plusSeconds(4), POLICY))
                    .then(new LoginFailed(FROM, T0.plusSeconds(4), 5, T0.plusSeconds(34)));
            assertThat(LoginFailures.blockedFor(state, T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(30));
            assertThat(LoginFailures.blockedFor(state, T0.plusSeconds(20))).isEqualTo(Duration.ofSeconds(14));
            assertThat(LoginFailures.blockedFor(state, T0.plusSeconds(34))).isZero();
        }

        @Test
        void each_further_failure_doubles_the_block_up_to_the_cap() {
            assertThat(List.of(5, 6, 7, 8, 9, 10, 11, 50, Integer.MAX_VALUE).stream().map(POLICY::blockAfter).toList())
                    .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                            Duration.ofSeconds(240), Duration.ofSeconds(480), Duration.ofMinutes(15),
                            Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofMinutes(15));
            Instant afterBlock = T0.plusSeconds(40);
            key.given(failures(5).toArray(LoginFailures.Event[]::new))
                    .when(new RecordFailure(FROM, afterBlock, POLICY))
                    .then(new LoginFailed(FROM, afterBlock, 6, afterBlock.plusSeconds(60)));
        }

        @Test
        void a_failure_more_than_a_window_after_the_last_counts_from_one_again() {
            Instant muchLater = T0.plusSeconds(4).plus(Duration.ofHours(1)).plusSeconds(1);
            key.given(failures(5).toArray(LoginFailures.Event[]::new))
                    .when(new RecordFailure(FROM, muchLater, POLICY))
                    .then(new LoginFailed(FROM, muchLater, 1, null));
        }

        @Test
        void a_failure_without_a_client_address_counts_too() {
            key.when(new RecordFailure(null, T0, POLICY)).then(new LoginFailed(null, T0, 1, null));
        }
    }

    @Nested
    class Clearing {

        @Test
        void clearing_lifts_the_block_and_counts_from_one_again() {
            LoginFailuresCleared cleared = new LoginFailuresCleared(LoginFailuresCleared.BY_ADMIN, "admin-1", T0.plusSeconds(5));
            List<LoginFailures.Event> given = new ArrayList<>(failures(5));
            LoginFailures.State state = key.given(given.toArray(LoginFailures.Event[]::new))
                    .when(new Clear(LoginFailuresCleared.BY_ADMIN, "admin-1", T0.plusSeconds(5))).then(cleared);
            assertThat(LoginFailures.blockedFor(state, T0.plusSeconds(5))).isZero();
            given.add(cleared);
            key.given(given.toArray(LoginFailures.Event[]::new)).when(new RecordFailure(FROM, T0.plusSeconds(6), POLICY))
                    .then(new LoginFailed(FROM, T0.plusSeconds(6), 1, null));
        }

        @Test
        void clearing_nothing_records_nothing() {
            key.when(new Clear(LoginFailuresCleared.LOGGED_IN, "login", T0)).thenNothing();
            key.given(failures(2).get(0), failures(2).get(1),
                            new LoginFailuresCleared(LoginFailuresCleared.LOGGED_IN, "login", T0.plusSeconds(2)))
                    .when(new Clear(LoginFailuresCleared.LOGGED_IN, "login", T0.plusSeconds(3))).thenNothing();
        }
    }

    @Test
    void a_policy_that_cannot_hold_is_refused() {
        assertThatThrownBy(() -> new Policy(0, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Policy(5, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Policy(5, Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
