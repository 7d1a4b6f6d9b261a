package eventshop.edge.tokens;

/** {@code eventshop.security.token-secret} is missing or unusable; edge cannot start without it. */
public class InvalidTokenSecret extends IllegalStateException {

    private final String reason;

    InvalidTokenSecret(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the secret is unusable ("is not set", "is not valid base64", ...). */
    public String reason() {
        return reason;
    }
}
