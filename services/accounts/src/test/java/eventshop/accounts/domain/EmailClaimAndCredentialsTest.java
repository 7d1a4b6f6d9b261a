package eventshop.accounts.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.accounts.domain.AccountErrors.EmailTaken;
import eventshop.accounts.domain.AccountErrors.PasswordAlreadySet;
import eventshop.accounts.domain.Credentials.PasswordSet;
import eventshop.accounts.domain.Credentials.SetInitialPassword;
import eventshop.accounts.domain.EmailClaim.Claim;
import eventshop.accounts.domain.EmailClaim.EmailClaimed;
import eventshop.eventsourcing.testing.DeciderFixture;
import org.junit.jupiter.api.Test;

class EmailClaimAndCredentialsTest {

    static final EmailAddress ADA = new EmailAddress("ada@example.com");

    @Test
    void an_address_is_claimed_once_and_the_claimer_is_named_to_whoever_comes_next() {
        var claims = DeciderFixture.of(EmailClaim.DECIDER);
        claims.when(new Claim(ADA, "a-1")).then(new EmailClaimed("ada@example.com", "a-1"));
        claims.given(new EmailClaimed("ada@example.com", "a-1")).when(new Claim(ADA, "a-1")).thenNothing();
        EmailTaken taken = claims.given(new EmailClaimed("ada@example.com", "a-1")).when(new Claim(ADA, "a-2"))
                .thenError(EmailTaken.class);
        assertThat(taken.claimedBy()).isEqualTo("a-1");
        assertThat(taken.slug()).isEqualTo("email-taken");
        assertThat(taken.getMessage()).doesNotContain("a-1");
    }

    @Test
    void the_first_password_is_set_once_and_never_printed() {
        var credentials = DeciderFixture.of(Credentials.DECIDER);
        credentials.when(new SetInitialPassword("a-1", "$argon2id$hash")).then(new PasswordSet("a-1", "$argon2id$hash"));
        credentials.given(new PasswordSet("a-1", "$argon2id$hash")).when(new SetInitialPassword("a-1", "$argon2id$other"))
                .thenError(PasswordAlreadySet.class);
        assertThat(new PasswordSet("a-1", "$argon2id$hash").toString()).doesNotContain("argon2");
        assertThat(new SetInitialPassword("a-1", "$argon2id$hash").toString()).doesNotContain("argon2");
    }
}
