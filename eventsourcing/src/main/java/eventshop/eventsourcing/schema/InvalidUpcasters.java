package eventshop.eventsourcing.schema;

/** A set of upcasters that cannot be right: a gap in a type's versions, two upcasters for one step, a step
 * beyond the current version, a type with upcasters but no current version. Thrown when it is built. */
public final class InvalidUpcasters extends IllegalArgumentException {

    public InvalidUpcasters(String message) {
        super(message);
    }
}
