package eventshop.eventsourcing.schema;

/** An event stored in a schema version that no upcaster leads up from (a version that never existed). */
public final class NoUpcastPath extends UnreadableSchemaVersion {

    public NoUpcastPath(String type, int version) {
        super(type, version, "no upcaster leads event type '" + type + "' up from schema version " + version);
    }
}
