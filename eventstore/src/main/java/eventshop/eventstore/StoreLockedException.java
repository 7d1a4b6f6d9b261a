package eventshop.eventstore;

/** Another process (or another open store in this JVM) holds the data directory. */
public class StoreLockedException extends EventStoreException {

    public StoreLockedException(String message) {
        super(message);
    }
}
