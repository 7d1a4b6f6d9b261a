package eventshop.edge.tokens;

import eventshop.edgetoken.InvalidTokenKey;
import eventshop.edgetoken.TokenKeys;

/**
 * The HMAC keys shared by edge and the services: the current one ({@value #PROPERTY}), which edge signs with,
 * and the previous ones ({@value #PREVIOUS_PROPERTY}), which still verify during a rotation's overlap
 * ({@link TokenKeys}). A missing or unusable key stops edge at startup with a message that says how to make one.
 */
public final class TokenSecret {

    public static final String PROPERTY = TokenKeys.SECRET_PROPERTY;
    public static final String PREVIOUS_PROPERTY = TokenKeys.PREVIOUS_PROPERTY;

    private TokenSecret() {
    }

    /** The keys of the two settings; {@code previous} may be null or blank. */
    public static TokenKeys parse(String current, String previous) {
        try {
            return TokenKeys.parse(current, previous);
        } catch (InvalidTokenKey invalid) {
            throw new InvalidTokenSecret(invalid.property(), invalid.reason(), invalid.getMessage());
        }
    }

    /** The current key alone. */
    public static TokenKeys parse(String current) {
        return parse(current, null);
    }

    static final String HOW = "it must be the base64 of at least " + TokenKeys.MINIMUM_BYTES
            + " random bytes, the same for edge and every service (e.g. `openssl rand -base64 32`)";
}
