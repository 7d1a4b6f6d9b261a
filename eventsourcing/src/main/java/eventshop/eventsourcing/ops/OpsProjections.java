package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.projection.ContentHash;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.ops.OpsErrors.ActionRefused;
import eventshop.eventsourcing.ops.OpsErrors.NotFoundInOps;
import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.security.EdgeUser;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The operations console's read models (docs/operations.md, "Read models"): every projection's status with how
 * fast it applies events and how long a running rebuild has left, the content of its live generations hashed to
 * compare a rebuild with the active generation, and the audited rebuild.
 *
 * <p>A rebuild is confirmed with the number of events it replays, as {@link #rebuildPlan} told the operator. The
 * log goes on growing while the operator reads the dialog, so the confirmation need not be the number of now: it
 * is accepted if it is at most the events now and at least what the source had {@value #CONFIRM_MINUTES} minutes
 * ago (what was appended since is what the operator could not have seen); the audit records both numbers.
 *
 * <p>Thread-safe.
 */
public final class OpsProjections {

    static final int CONFIRM_MINUTES = 15;
    private static final Duration CONFIRM_WINDOW = Duration.ofMinutes(CONFIRM_MINUTES);

    /**
     * A projection's status (as {@code /actuator/projections} shows it) with its rates.
     *
     * @param rate             events per second the active generation applied over the last ~10 s; null until
     *                         measured (see {@link OpsSampler})
     * @param rebuildRate      the same for the generation being rebuilt, null without a rebuild
     * @param remainingSeconds how long the running rebuild needs to reach its target at {@code rebuildRate}; null
     *                         without a rebuild or while its rate is unknown or zero
     */
    public record View(@JsonUnwrapped ProjectionStatus status, @Nullable Double rate, @Nullable Double rebuildRate,
                       @Nullable Long remainingSeconds) {
    }

    /** One live generation's content. */
    public record Replica(int generation, Projections.Role role, long checkpoint, long rows, String sha256) {
    }

    /**
     * The live generations of a projection compared.
     *
     * @param converged whether every generation holds the same content (equal hashes)
     */
    public record Replicas(String name, List<Replica> replicas, boolean converged) {
    }

    /** What a rebuild would do: replay {@code events} events. */
    public record RebuildPlan(String name, long events) {
    }

    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final OpsAudit audit;
    private final OpsSampler sampler;
    private final Clock clock;

    /** @param dataSource the read models' database (the one {@code projections} runs on) */
    public OpsProjections(Projections projections, DataSource dataSource, OpsAudit audit, OpsSampler sampler,
                          Clock clock) {
        this.projections = projections;
        this.jdbc = new JdbcTemplate(dataSource);
        this.audit = audit;
        this.sampler = sampler;
        this.clock = clock;
    }

    /** Every projection's status with its rates, in declaration order; looking keeps the rates sampled. */
    public List<View> statuses() {
        sampler.touch();
        return projections.status().stream().map(this::view).toList();
    }

    private View view(ProjectionStatus status) {
        Double rate = sampler.applied(status.name(), status.active().generation());
        GenerationStatus rebuild = status.rebuild();
        Double rebuildRate = rebuild == null ? null : sampler.applied(status.name(), rebuild.generation());
        return new View(status, rate, rebuildRate, remainingSeconds(rebuild, rebuildRate));
    }

    /** {@code (target - reached) / rate} of a running rebuild, rounded up; null when it cannot be told. */
    static @Nullable Long remainingSeconds(@Nullable GenerationStatus rebuild, @Nullable Double rate) {
        if (rebuild == null || rate == null || rate <= 0 || rebuild.target() < 0) {
            return null;
        }
        return (long) Math.ceil(Math.max(0, rebuild.target() - rebuild.reached()) / rate);
    }

    /**
     * The content of every live generation of projection {@code name} (the active one and a rebuild), read at one
     * batch boundary and hashed ({@link ContentHash}).
     *
     * @throws NotFoundInOps if there is no such projection
     */
    public Replicas replicas(String name) {
        known(name);
        List<Replica> replicas = projections.readLiveAtBatchBoundary(name, live -> live.stream().map(generation -> {
            ContentHash.Content content = ContentHash.of(jdbc, generation.tables());
            return new Replica(generation.tables().generation(), generation.role(),
                    generation.checkpoint().applied(), content.rows(), content.sha256());
        }).toList());
        boolean converged = replicas.stream().map(Replica::sha256).distinct().count() <= 1;
        return new Replicas(name, replicas, converged);
    }

    /**
     * How many events a rebuild of projection {@code name} would replay now.
     *
     * @throws NotFoundInOps if there is no such projection
     */
    public RebuildPlan rebuildPlan(String name) {
        known(name);
        return new RebuildPlan(name, projections.sourceEvents(name));
    }

    /**
     * Starts a blue/green rebuild of projection {@code name}, recorded in the audit first ({@code rebuild},
     * "replays n events").
     *
     * @param confirm the number of events the operator agreed to replay (see the class comment)
     * @return the projection's status, with the rebuild
     * @throws NotFoundInOps     (404) if there is no such projection
     * @throws ActionRefused     (422) if {@code confirm} is missing, more than the source has, or older than
     *                           {@value #CONFIRM_MINUTES} minutes of appends
     * @throws ActionNotPossible (409) if a rebuild of it is running, or this instance does not lead the service's
     *                           projections (another instance does)
     */
    public ProjectionStatus rebuild(String name, @Nullable Long confirm, EdgeUser user) {
        known(name);
        if (confirm == null || confirm < 0) {
            throw new ActionRefused("confirm the rebuild with the number of events it replays: {\"confirm\": n}, "
                    + "as GET .../projections/" + name + "/rebuild answers it");
        }
        if (!projections.leading()) {
            throw new ActionNotPossible("this instance stands by: another instance of the service leads and runs the"
                    + " projections; ask again, the request may reach the leader (its /actuator/projections shows"
                    + " RUNNING, not STANDBY)");
        }
        GenerationStatus running = projections.status(name).rebuild();
        if (running != null) {
            throw new ActionNotPossible("projection " + name + " is being rebuilt already (generation "
                    + running.generation() + ", " + Math.round(running.progress() * 100) + "% done)");
        }
        long events = projections.sourceEvents(name);
        if (confirm > events) {
            throw new ActionRefused("a rebuild of " + name + " replays " + events + " events, not " + confirm
                    + "; confirm the number GET .../projections/" + name + "/rebuild answers now");
        }
        if (confirm < events) {
            long then = projections.sourceEventsAt(name, clock.instant().minus(CONFIRM_WINDOW));
            if (confirm < then) {
                throw new ActionRefused("the confirmation " + confirm + " is stale: the source of " + name + " had "
                        + then + " events " + CONFIRM_MINUTES + " minutes ago and has " + events + " now; confirm the "
                        + "number GET .../projections/" + name + "/rebuild answers now");
            }
        }
        String detail = "replays " + events + " events" + (confirm == events ? "" : " (confirmed " + confirm + ")");
        audit.record(user, "rebuild", name, detail, null);
        return projections.rebuild(name);
    }

    private void known(String name) {
        if (!projections.names().contains(Objects.requireNonNull(name, "name"))) {
            throw new NotFoundInOps("there is no projection " + name + " (there are " + projections.names() + ")");
        }
    }
}
