package eventshop.eventstore;

/**
 * Stored data failed verification (checksum, framing or ordering) somewhere other than a torn tail
 * left by a crash. The store refuses to serve it rather than skip it silently.
 */
public class CorruptStoreException extends EventStoreException {

    public CorruptStoreException(String message) {
        super(message);
    }

    public CorruptStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
