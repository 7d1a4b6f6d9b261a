package eventshop.accounts.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.accounts.domain.AccountErrors.ConfirmationCodeVoid;
import eventshop.accounts.domain.AccountErrors.TooManyCodeRequests;
import eventshop.accounts.domain.ConfirmationCode.ConfirmationCodeIssued;
import eventshop.accounts.domain.ConfirmationCode.ConfirmationCodeRefused;
import eventshop.accounts.domain.ConfirmationCode.ConfirmationCodeVoided;
import eventshop.accounts.domain.ConfirmationCode.Issue;
import eventshop.accounts.domain.ConfirmationCode.Try;
import eventshop.eventsourcing.testing.DeciderFixture;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConfirmationCodeTest {

    static final String ID = "0b6f1f3e-6c1d-4c55-9a51-3f2d1c7e9a10";
    static final String REGISTERED = "123456";
    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);

    final DeciderFixture<ConfirmationCode.Command, ConfirmationCode.Event, ConfirmationCode.State> codes =
            DeciderFixture.of(ConfirmationCode.DECIDER);

    static ConfirmationCodeRefused refused(int n) {
        return new ConfirmationCodeRefused(ID, n, T0);
    }

    @Test
    void the_registered_code_is_right_and_records_nothing() {
        codes.when(new Try(ID, " 123456 ", REGISTERED, T0)).thenNothing();
    }

    @Test
    void a_wrong_code_is_recorded_with_its_count() {
        codes.given(refused(1)).when(new Try(ID, "000000", REGISTERED, T0)).then(refused(2));
    }

    @Test
    void the_fifth_wrong_code_voids_the_code_and_then_even_the_right_code_is_refused() {
        ConfirmationCode.State state = codes.given(refused(1), refused(2), refused(3), refused(4))
                .when(new Try(ID, "000000", REGISTERED, T0))
                .then(refused(5), new ConfirmationCodeVoided(ID, T0));
        assertThat(state.isVoid()).isTrue();
        codes.given(refused(1), refused(2), refused(3), refused(4), refused(5), new ConfirmationCodeVoided(ID, T0))
                .when(new Try(ID, REGISTERED, REGISTERED, T0)).thenError(ConfirmationCodeVoid.class);
    }

    @Test
    void a_new_code_replaces_the_old_one_and_starts_the_count_again() {
        ConfirmationCodeIssued issued = new ConfirmationCodeIssued(ID, "654321", T0.plusSeconds(5));
        ConfirmationCode.Event[] voidThenNew = {refused(1), refused(2), refused(3), refused(4), refused(5),
                new ConfirmationCodeVoided(ID, T0), issued};
        codes.given(voidThenNew).when(new Try(ID, "654321", REGISTERED, T0.plusSeconds(6))).thenNothing();
        codes.given(voidThenNew).when(new Try(ID, REGISTERED, REGISTERED, T0.plusSeconds(6)))
                .then(new ConfirmationCodeRefused(ID, 1, T0.plusSeconds(6)));
    }

    @Test
    void a_new_code_at_most_once_per_interval() {
        codes.when(new Issue(ID, "654321", T0, MINUTE)).then(new ConfirmationCodeIssued(ID, "654321", T0));
        TooManyCodeRequests tooSoon = codes.given(new ConfirmationCodeIssued(ID, "654321", T0))
                .when(new Issue(ID, "111111", T0.plusSeconds(20), MINUTE)).thenError(TooManyCodeRequests.class);
        assertThat(tooSoon.retryAfter()).contains(Duration.ofSeconds(40));
        codes.given(new ConfirmationCodeIssued(ID, "654321", T0))
                .when(new Issue(ID, "111111", T0.plus(MINUTE), MINUTE))
                .then(new ConfirmationCodeIssued(ID, "111111", T0.plus(MINUTE)));
    }
}
