package eventshop.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.edge.tokens.TokenSecret;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenSecretTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "not base64 at all!", "c2hvcnQ="})
    void missingMalformedOrShortSecret_stopsStartup_withAClearMessage(String secret) {
        assertThatThrownBy(() -> TokenSecret.parse(secret))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eventshop.security.token-secret")
                .hasMessageContaining("at least 32");
    }

    @ParameterizedTest
    @ValueSource(strings = {TestTokens.SECRET})
    void base64OfThirtyTwoBytes_isAKey(String secret) {
        assertThat(TokenSecret.parse(secret).current().secret().getAlgorithm()).isEqualTo("HmacSHA256");
    }
}
