package eventshop.eventsourcing.consistency;

/**
 * A {@code Consistency-Token} header that is not a token, or names a service whose log the queried
 * read model does not follow (answered with a 400 problem).
 */
public class InvalidConsistencyToken extends RuntimeException {

    public InvalidConsistencyToken(String value) {
        super("'" + value + "' is not a consistency token (expected <service>:<position>)");
    }

    /** A well-formed token that this query cannot honour, for the given reason. */
    public InvalidConsistencyToken(String value, String reason) {
        super("consistency token '" + value + "' cannot be used here: " + reason);
    }
}
