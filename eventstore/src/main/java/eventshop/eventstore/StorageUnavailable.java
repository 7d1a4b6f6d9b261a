package eventshop.eventstore;

/**
 * The store's storage failed under an operation: a disk that refuses a write or an fsync (an I/O
 * error, no space left), or a database that cannot be reached. The append was not acknowledged:
 * it may or may not be stored, and retrying it with the same event ids is safe (a stored batch
 * answers the retry like the original). The condition is expected to pass: the store takes
 * appends again once its storage works, without being reopened, unless the message says it must be.
 */
public class StorageUnavailable extends EventStoreException {

    public StorageUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
