package eventshop.launcher;

/** The store could not start: which part failed and why, in words fit for the console. */
public class StoreStartException extends RuntimeException {

    public StoreStartException(String message) {
        super(message);
    }

    public StoreStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
