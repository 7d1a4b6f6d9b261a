package eventshop.accounts.credentials;

import static org.assertj.core.api.Assertions.assertThat;

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
}
