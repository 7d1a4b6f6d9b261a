package eventshop.eventsourcing.schema;

/**
 * An event written in a schema version newer than this code knows: written by a newer deployment of the
 * service (during a rolling deploy, or after a rollback). Retried, never skipped and never read as an older
 * version: the code that knows it reads it.
 */
public final class SchemaVersionTooNew extends UnreadableSchemaVersion {

    private final int current;

    public SchemaVersionTooNew(String type, int version, int current) {
        super(type, version, "event type '" + type + "' is stored in schema version " + version
                + ", but this code knows it only up to version " + current + ": it was written by newer code");
        this.current = current;
    }

    /** The newest version this code knows of the type. */
    public int current() {
        return current;
    }
}
