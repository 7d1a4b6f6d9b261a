package eventshop.edge.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import eventshop.edgetoken.InvalidTokenKey;
import eventshop.edgetoken.TokenKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A missing, malformed or short token key stops edge with a message that names the setting and says how to make one. */
class InvalidTokenKeyFailureAnalyzerTest {

    static final String GOOD = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null               | null                  | eventshop.security.token-secret is not set",
            "'   '              | null                  | eventshop.security.token-secret is not set",
            "not base64 at all! | null                  | eventshop.security.token-secret is not valid base64",
            "c2hvcnQ=           | null                  | eventshop.security.token-secret decodes to 5 bytes",
            GOOD + "            | " + GOOD + ",c2hvcnQ= | eventshop.security.previous-token-secrets decodes to 5 bytes"})
    void anUnusableKey_isExplained(String current, String previous, String says) {
        InvalidTokenKey invalid = catchThrowableOfType(InvalidTokenKey.class, () -> TokenKeys.parse(current, previous));

        FailureAnalysis analysis = new InvalidTokenKeyFailureAnalyzer().analyze(invalid);

        assertThat(analysis.getDescription()).contains(says);
        assertThat(analysis.getAction()).contains("EVENTSHOP_SECURITY_", "at least 32", "openssl rand -base64 32");
    }
}
