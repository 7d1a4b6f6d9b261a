package eventshop.eventstore;

/**
 * A request the store refuses before touching any data: a null or empty argument, an over-long
 * stream id, a negative version or position, an oversized event. Nothing is stored.
 */
public class InvalidRequest extends EventStoreException {

    public InvalidRequest(String message) {
        super(message);
    }
}
