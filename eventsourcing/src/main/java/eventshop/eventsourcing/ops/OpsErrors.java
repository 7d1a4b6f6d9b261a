package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.decider.DomainError;

/** The operations console's refusals, answered as problems by the starter's {@code Problems}. */
public final class OpsErrors {

    private OpsErrors() {
    }

    /** 404: the stream, position, projection, parked message or job asked for does not exist. */
    public static final class NotFoundInOps extends DomainError {
        public NotFoundInOps(String detail) {
            super(Kind.NOT_FOUND, detail);
        }
    }

    /** 409: the action cannot be taken in the current state (a parked message replayed before). */
    public static final class ActionNotPossible extends DomainError {
        public ActionNotPossible(String detail) {
            super(Kind.CONFLICT, detail);
        }
    }

    /** 422: the action's request is well-formed but not acceptable (a rebuild confirmed with a stale count). */
    public static final class ActionRefused extends DomainError {
        public ActionRefused(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }
}
