package eventshop.functions.handling;

/**
 * An input message the functions cannot read: no {@code event-id} or {@code event-type} header, or
 * a payload that is not the JSON of the type it names. Retrying cannot fix it: the binding parks it
 * on its dead-letter topic at once.
 */
public class MalformedEvent extends RuntimeException {

    public MalformedEvent(String message) {
        super(message);
    }

    public MalformedEvent(String message, Throwable cause) {
        super(message, cause);
    }
}
