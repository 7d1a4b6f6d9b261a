package eventshop.eventsourcing.consistency;

/** A query's read model did not reach the position of its consistency token in time (503 + Retry-After). */
public class NotYetConsistent extends RuntimeException {

    public NotYetConsistent(ConsistencyToken token, String readModel, long reached, java.time.Duration waited) {
        super("read model '" + readModel + "' has applied up to position " + reached + " of " + token.source()
                + ", not yet " + token.position() + " (waited " + waited.toMillis() + " ms); retry shortly");
    }
}
