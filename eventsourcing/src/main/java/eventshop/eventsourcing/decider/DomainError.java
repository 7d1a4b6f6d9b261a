package eventshop.eventsourcing.decider;

/**
 * A business rule the command breaks ({@code CartIsEmpty}, {@code InsufficientStock}). Deciders
 * throw subclasses; nothing is stored. The HTTP layer answers with an RFC 9457 problem whose
 * status comes from {@link #kind()} and whose {@code type} is derived from the class name.
 * Plain Java, so domain packages can use it without depending on Spring.
 */
public abstract class DomainError extends RuntimeException {

    /** How the HTTP layer answers. */
    public enum Kind {
        /** 409: the command conflicts with the current state (cart already checked out). */
        CONFLICT,
        /** 422: the command is well-formed but breaks a rule (quantity above stock). */
        UNPROCESSABLE,
        /** 404: the command addresses something that does not exist. */
        NOT_FOUND
    }

    protected DomainError(String message) {
        super(message, null, false, false);
    }

    public abstract Kind kind();

    /** A short stable slug for the problem's {@code type} URI; by default the class name in kebab case. */
    public String slug() {
        return getClass().getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
