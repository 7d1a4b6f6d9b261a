package eventshop.eventsourcing.consistency;

/**
 * A {@code Consistency-Token} header that is not a token, or one the queried read model cannot
 * honour: from a service whose log it does not follow, or without the stream a consumer-fed read
 * model needs (answered with a 400 problem).
 */
public class InvalidConsistencyToken extends RuntimeException {

    public InvalidConsistencyToken(String value) {
        super("'" + value + "' is not a consistency token (expected <service>:<position> or"
                + " <service>:<position>@<stream>, the stream percent-encoded)");
    }

    /** A well-formed token that this query cannot honour, for the given reason. */
    public InvalidConsistencyToken(String value, String reason) {
        super("consistency token '" + value + "' cannot be used here: " + reason);
    }
}
