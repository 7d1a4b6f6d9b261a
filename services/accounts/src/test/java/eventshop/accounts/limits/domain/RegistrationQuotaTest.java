package eventshop.accounts.limits.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.accounts.limits.domain.RegistrationQuota.Admit;
import eventshop.accounts.limits.domain.RegistrationQuota.Policy;
import eventshop.accounts.limits.domain.RegistrationQuota.RegistrationAdmitted;
import eventshop.accounts.limits.domain.RegistrationQuota.TooManyRegistrations;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.testing.DeciderFixture;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RegistrationQuotaTest {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static final String FROM = "198.51.100.4";
    static final Policy THREE_AN_HOUR = new Policy(3, Duration.ofHours(1));

    final DeciderFixture<RegistrationQuota.Command, RegistrationQuota.Event, RegistrationQuota.State> quota =
            DeciderFixture.of(RegistrationQuota.DECIDER);

    static RegistrationAdmitted admitted(long minutes) {
        return new RegistrationAdmitted(FROM, T0.plus(Duration.ofMinutes(minutes)));
    }

    @Test
    void registrations_up_to_the_limit_are_admitted() {
        quota.given(admitted(0), admitted(10))
                .when(new Admit(FROM, T0.plus(Duration.ofMinutes(20)), THREE_AN_HOUR))
                .then(admitted(20));
    }

    @Test
    void one_more_within_the_window_is_refused_until_the_oldest_leaves_it() {
        TooManyRegistrations refused = quota.given(admitted(0), admitted(10), admitted(20))
                .when(new Admit(FROM, T0.plus(Duration.ofMinutes(30)), THREE_AN_HOUR))
                .thenError(TooManyRegistrations.class);
        assertThat(refused.kind()).isEqualTo(DomainError.Kind.TOO_MANY_REQUESTS);
        assertThat(refused.slug()).isEqualTo("too-many-registrations");
        assertThat(refused.retryAfter()).contains(Duration.ofMinutes(30));
    }

    @Test
    void once_the_oldest_left_the_window_one_more_is_admitted() {
        Instant later = T0.plus(Duration.ofMinutes(60)).plusSeconds(1);
        quota.given(admitted(0), admitted(10), admitted(20))
                .when(new Admit(FROM, later, THREE_AN_HOUR))
                .then(new RegistrationAdmitted(FROM, later));
    }
}
