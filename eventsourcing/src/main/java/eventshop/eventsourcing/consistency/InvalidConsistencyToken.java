package eventshop.eventsourcing.consistency;

/** A {@code Consistency-Token} header that is not a token (answered with a 400 problem). */
public class InvalidConsistencyToken extends RuntimeException {

    public InvalidConsistencyToken(String value) {
        super("'" + value + "' is not a consistency token (expected <service>:<position>)");
    }
}
