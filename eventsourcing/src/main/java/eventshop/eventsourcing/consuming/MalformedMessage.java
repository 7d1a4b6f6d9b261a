package eventshop.eventsourcing.consuming;

/**
 * A message from a topic that no retry can make usable: no or a broken envelope header, a type the
 * consumer's contract does not know where it must, a payload that does not decode as the type it names, or
 * a decoded command or event that lacks what its consumer needs (an order id). The one such exception of
 * every consumer: the binding defaults ({@link ConsumerBindingDefaults}) mark it not retryable, so the
 * binder parks the message on its dead-letter topic at once; the projection runtime passes the record
 * over and counts it. Plain Java, so any package may throw it.
 */
public final class MalformedMessage extends RuntimeException {

    public MalformedMessage(String message) {
        super(message);
    }

    public MalformedMessage(String message, Throwable cause) {
        super(message, cause);
    }
}
