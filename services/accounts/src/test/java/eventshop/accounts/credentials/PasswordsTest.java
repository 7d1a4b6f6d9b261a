package eventshop.accounts.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.accounts.domain.AccountErrors.CommonPassword;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    final Passwords passwords = new Passwords();

    @Test
    void hashes_with_argon2id_and_a_fresh_salt_each_time() {
        String hash = passwords.hash("correct horse");
        assertThat(hash).startsWith("$argon2id$").doesNotContain("correct horse");
        assertThat(passwords.hash("correct horse")).isNotEqualTo(hash);
        assertThat(passwords.matches("correct horse", hash)).isTrue();
        assertThat(passwords.matches("correct horsE", hash)).isFalse();
    }

    @Test
    void every_character_of_a_long_password_counts() {
        String long128 = "p".repeat(127) + "a";
        String hash = passwords.hash(long128);
        assertThat(passwords.matches("p".repeat(127) + "b", hash)).isFalse();
        assertThat(passwords.matches(long128, hash)).isTrue();
    }

    @Test
    void no_hash_never_matches() {
        assertThat(passwords.matches("anything", null)).isFalse();
        assertThat(passwords.matches(null, null)).isFalse();
    }

    @Test
    void the_most_common_passwords_are_refused_whatever_their_case() {
        assertThat(passwords.isCommon("password")).isTrue();
        assertThat(passwords.isCommon("Password123")).isTrue();
        assertThat(passwords.isCommon("qwertyuiop")).isTrue();
        assertThat(passwords.isCommon("12345678")).isTrue();
        assertThatThrownBy(() -> passwords.checkNew("iloveyou1")).isInstanceOf(CommonPassword.class);
        assertThatThrownBy(() -> passwords.checkNew("short")).isInstanceOf(InvalidRegistration.class);
        assertThatThrownBy(() -> passwords.checkNew("x".repeat(Passwords.MAX_LENGTH + 1)))
                .isInstanceOf(InvalidRegistration.class);
    }

    @Test
    void the_passwords_of_the_demo_and_the_tests_are_not_common() {
        for (String password : List.of("alice-demo-password", "bob-demo-password", "password-" + UUID.randomUUID(),
                "pw-" + UUID.randomUUID(), "load-password-" + UUID.randomUUID(), "a long password", "correct horse",
                "admin-password-for-tests")) {
            assertThat(passwords.isCommon(password)).as(password).isFalse();
            passwords.checkNew(password);
        }
    }
}
