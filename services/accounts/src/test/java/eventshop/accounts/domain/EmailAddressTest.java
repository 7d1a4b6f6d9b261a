package eventshop.accounts.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.accounts.domain.AccountErrors.InvalidEmail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @Test
    void addresses_are_trimmed_and_lower_cased() {
        assertThat(EmailAddress.parse("  Ada.Lovelace+shop@Example.CO.uk \t").value())
                .isEqualTo("ada.lovelace+shop@example.co.uk");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com",
            "ada lovelace@example.com", "ada@exa mple.com", "ada@-example.com", "ada@example.c"})
    void malformed_addresses_are_refused(String raw) {
        assertThatThrownBy(() -> EmailAddress.parse(raw)).isInstanceOf(InvalidEmail.class);
    }

    @Test
    void at_most_254_characters() {
        String domain = "@" + "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(60) + "." + "g".repeat(50) + ".com";
        String fits = "a".repeat(254 - domain.length()) + domain;
        assertThat(EmailAddress.parse(fits).value()).hasSize(254);
        assertThatThrownBy(() -> EmailAddress.parse("a" + fits)).isInstanceOf(InvalidEmail.class);
        assertThatThrownBy(() -> EmailAddress.parse(null)).isInstanceOf(InvalidEmail.class);
    }

    @Test
    void the_legacy_claim_stream_is_keyed_by_the_sha256_of_the_normalized_address() {
        assertThat(EmailClaim.legacyStreamId(EmailAddress.parse("ADA@example.com ")))
                .isEqualTo(EmailClaim.legacyStreamId(EmailAddress.parse("ada@example.com")))
                .matches("email-[0-9a-f]{64}");
    }
}
