package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.projection.ProjectionStatus.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the projections, in two flavours.
 *
 * <ul>
 *   <li>{@link #status}: DOWN while a projection is stuck failing (a poison event: see its error),
 *       OUT_OF_SERVICE until every projection has caught up after start, else UP.</li>
 *   <li>{@link #readiness}: OUT_OF_SERVICE until every projection has caught up with the log head
 *       seen at start, then UP. It is a member of the {@code readiness} group, so a restarted
 *       instance takes traffic only once its read models are current. A failure later does not
 *       make the instance unready (commands still work); it shows in {@link #status} and in lag.</li>
 * </ul>
 */
public final class ProjectionsHealthIndicator implements HealthIndicator {

    private final Projections projections;
    private final boolean readinessOnly;

    private ProjectionsHealthIndicator(Projections projections, boolean readinessOnly) {
        this.projections = projections;
        this.readinessOnly = readinessOnly;
    }

    /** Failures, catching up and lag: for the main health endpoint. */
    public static ProjectionsHealthIndicator status(Projections projections) {
        return new ProjectionsHealthIndicator(projections, false);
    }

    /** Caught up since start or not: for the readiness group. */
    public static ProjectionsHealthIndicator readiness(Projections projections) {
        return new ProjectionsHealthIndicator(projections, true);
    }

    @Override
    public Health health() {
        List<ProjectionStatus> all = projections.status();
        boolean ready = projections.ready();
        Map<String, Object> details = new LinkedHashMap<>();
        boolean failing = false;
        for (ProjectionStatus projection : all) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", projection.state());
            detail.put("ready", projection.ready());
            detail.put("lag", projection.lag());
            if (projection.active().lastError() != null) {
                detail.put("error", projection.active().lastError());
            }
            details.put(projection.name(), detail);
            failing |= projection.state() == State.FAILED;
        }
        Health.Builder health = readinessOnly ? (ready ? Health.up() : Health.outOfService())
                : failing ? Health.down() : ready ? Health.up() : Health.outOfService();
        return health.withDetails(details).build();
    }
}
