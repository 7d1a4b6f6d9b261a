package eventshop.eventstore;

/** The store was closed (or failed) before or while the operation ran. */
public class StoreClosedException extends EventStoreException {

    public StoreClosedException(String message) {
        super(message);
    }

    public StoreClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
