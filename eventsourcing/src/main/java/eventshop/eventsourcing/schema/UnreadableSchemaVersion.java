package eventshop.eventsourcing.schema;

/**
 * A stored event whose schema version this code cannot bring up to its current version: one written by
 * newer code ({@link SchemaVersionTooNew}), or one no upcaster leads up from ({@link NoUpcastPath}). Never
 * read as something else.
 */
public abstract sealed class UnreadableSchemaVersion extends RuntimeException
        permits SchemaVersionTooNew, NoUpcastPath {

    private final String type;
    private final int version;

    UnreadableSchemaVersion(String type, int version, String message) {
        super(message);
        this.type = type;
        this.version = version;
    }

    /** The stored type (or the name it had been renamed to when the chain stopped). */
    public String type() {
        return type;
    }

    /** The version that could not be read. */
    public int version() {
        return version;
    }
}
