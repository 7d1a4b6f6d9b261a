package eventshop.eventsourcing.decider;

/** A stored event whose type no codec knows: a schema change without its upcaster, or a foreign stream. */
public class UnknownEventType extends RuntimeException {

    public UnknownEventType(String type, String known) {
        super("unknown event type '" + type + "' (known: " + known + ")");
    }

    public UnknownEventType(String type, Throwable cause) {
        super("event of type '" + type + "' does not deserialize: " + cause.getMessage(), cause);
    }
}
