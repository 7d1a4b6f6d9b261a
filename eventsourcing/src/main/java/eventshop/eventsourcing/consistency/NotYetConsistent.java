package eventshop.eventsourcing.consistency;

import java.time.Duration;

/** A query's read model did not reflect its consistency token in time (503 + Retry-After). */
public class NotYetConsistent extends RuntimeException {

    /**
     * @param reached where the read model is, in words ({@link ReadModelProgress#reached})
     */
    public NotYetConsistent(ConsistencyToken token, String readModel, String reached, Duration waited) {
        super("read model '" + readModel + "' has not yet reached " + token + " (it has " + reached + "; waited "
                + waited.toMillis() + " ms); retry shortly");
    }
}
