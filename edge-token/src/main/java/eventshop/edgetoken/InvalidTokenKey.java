package eventshop.edgetoken;

/**
 * A token key setting ({@value TokenKeys#SECRET_PROPERTY} or {@value TokenKeys#PREVIOUS_PROPERTY}) is
 * missing or unusable: whatever signs or verifies edge tokens cannot start with it.
 */
public class InvalidTokenKey extends IllegalArgumentException {

    private final String property;
    private final String reason;

    InvalidTokenKey(String property, String reason) {
        super(property + " " + reason + ": " + TokenKeys.HOW);
        this.property = property;
        this.reason = reason;
    }

    /** The setting that is wrong. */
    public String property() {
        return property;
    }

    /** Why it is unusable ("is not set", "is not valid base64", ...). */
    public String reason() {
        return reason;
    }
}
