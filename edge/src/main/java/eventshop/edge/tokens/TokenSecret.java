package eventshop.edge.tokens;

import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC key shared by edge and the services ({@code eventshop.security.token-secret}): base64 of at
 * least 32 bytes. Anything else stops edge at startup with a message that says how to make one.
 */
public final class TokenSecret {

    public static final String PROPERTY = "eventshop.security.token-secret";
    static final int MINIMUM_BYTES = 32;

    private TokenSecret() {
    }

    public static SecretKey parse(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw invalid("is not set");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException notBase64) {
            throw invalid("is not valid base64");
        }
        if (bytes.length < MINIMUM_BYTES) {
            throw invalid("decodes to " + bytes.length + " bytes, fewer than " + MINIMUM_BYTES);
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    private static InvalidTokenSecret invalid(String why) {
        return new InvalidTokenSecret(why, PROPERTY + " " + why + ": " + HOW);
    }

    static final String HOW = "it must be the base64 of at least " + MINIMUM_BYTES
            + " random bytes, the same for edge and every service (e.g. `openssl rand -base64 32`)";
}
