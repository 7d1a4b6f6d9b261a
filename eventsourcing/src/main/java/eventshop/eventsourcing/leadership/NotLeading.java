package eventshop.eventsourcing.leadership;

/**
 * Work of a role that only the leader may do was asked of an instance that does not lead (any more):
 * a write of shared progress behind {@link Leadership#fence}, or an operation such as a rebuild asked of
 * a standby. Nothing was changed.
 */
public final class NotLeading extends IllegalStateException {

    public NotLeading(String role, String what) {
        super("this instance does not lead '" + role + "' (another instance does), so it cannot " + what);
    }
}
