package eventshop.edgetoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenKeysTest {

    static final String A = Base64.getEncoder().encodeToString("key A: thirty-two bytes or more!!".getBytes());
    static final String B = Base64.getEncoder().encodeToString("key B: thirty-two bytes or more!!".getBytes());
    static final String C = Base64.getEncoder().encodeToString("key C: thirty-two bytes or more!!".getBytes());

    @Test
    void theCurrentKeySigns_andEveryKeyVerifies_eachNamedByAnIdDerivedFromIt() {
        TokenKeys keys = TokenKeys.parse(A, B + ", " + C + "\n");

        assertThat(keys.current().id()).isEqualTo(TokenKeys.keyId(Base64.getDecoder().decode(A))).hasSize(12);
        assertThat(keys.all()).extracting(TokenKeys.Key::id).containsExactly(keys.current().id(),
                TokenKeys.parse(B, null).current().id(), TokenKeys.parse(C, "").current().id());
        assertThat(keys.byId(TokenKeys.parse(C, null).current().id())).isPresent();
        assertThat(keys.byId("not-a-key-id")).isEmpty();
        assertThat(keys.byId(null)).isEmpty();
        assertThat(keys.current().secret().getAlgorithm()).isEqualTo("HmacSHA256");
        assertThat(keys.current().toString()).doesNotContain(A);
    }

    @Test
    void aPreviousKeyThatIsTheCurrentOne_countsOnce() {
        assertThat(TokenKeys.parse(A, A + " " + B + " " + B).all()).hasSize(2);
    }

    @Test
    void aMissingCurrentKey_isATypedError_namingTheSetting() {
        assertThatThrownBy(() -> TokenKeys.parse(" ", B)).isInstanceOfSatisfying(InvalidTokenKey.class, e -> {
            assertThat(e.property()).isEqualTo(TokenKeys.SECRET_PROPERTY);
            assertThat(e.reason()).isEqualTo("is not set");
            assertThat(e).hasMessageContaining("at least 32");
        });
    }

    @Test
    void aMalformedOrShortKey_isATypedError_namingTheSettingItIsIn() {
        assertThatThrownBy(() -> TokenKeys.parse("not base64!", null)).isInstanceOfSatisfying(InvalidTokenKey.class,
                e -> assertThat(e.property()).isEqualTo(TokenKeys.SECRET_PROPERTY));
        assertThatThrownBy(() -> TokenKeys.parse(A, B + ",c2hvcnQ=")).isInstanceOfSatisfying(InvalidTokenKey.class, e -> {
            assertThat(e.property()).isEqualTo(TokenKeys.PREVIOUS_PROPERTY);
            assertThat(e.reason()).contains("5 bytes");
        });
        assertThatThrownBy(() -> TokenKeys.of(new byte[31])).isInstanceOf(InvalidTokenKey.class);
    }
}
