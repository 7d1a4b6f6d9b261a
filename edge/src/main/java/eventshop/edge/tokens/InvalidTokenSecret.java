package eventshop.edge.tokens;

/**
 * {@code eventshop.security.token-secret} is missing or unusable, or one of
 * {@code eventshop.security.previous-token-secrets} is; edge cannot start without usable keys.
 */
public class InvalidTokenSecret extends IllegalStateException {

    private final String property;
    private final String reason;

    InvalidTokenSecret(String property, String reason, String message) {
        super(message);
        this.property = property;
        this.reason = reason;
    }

    /** The setting that is wrong. */
    public String property() {
        return property;
    }

    /** Why the secret is unusable ("is not set", "is not valid base64", ...). */
    public String reason() {
        return reason;
    }
}
