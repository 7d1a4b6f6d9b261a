package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.security.EdgeUser;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The console's read models under {@code /api/ops/<service>/projections} ({@link OpsProjections}): their status
 * with rates, their live generations' content hashes, and the audited rebuild.
 */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH + "/projections")
@PreAuthorize("hasRole('ADMIN')")
public class OpsProjectionsController {

    /** {@code {"confirm": n}}: the events the operator agrees a rebuild replays. */
    public record RebuildRequest(@Nullable Long confirm) {
    }

    private final OpsProjections projections;

    public OpsProjectionsController(OpsProjections projections) {
        this.projections = projections;
    }

    @GetMapping
    public List<OpsProjections.View> projections() {
        return projections.statuses();
    }

    @GetMapping("/{name}/replicas")
    public OpsProjections.Replicas replicas(@PathVariable String name) {
        return projections.replicas(name);
    }

    @GetMapping("/{name}/rebuild")
    public OpsProjections.RebuildPlan rebuildPlan(@PathVariable String name) {
        return projections.rebuildPlan(name);
    }

    /** Starts a rebuild: 202 with the projection's status, which shows the rebuild. */
    @PostMapping("/{name}/rebuild")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public ProjectionStatus rebuild(@PathVariable String name, @RequestBody RebuildRequest request, EdgeUser user) {
        return projections.rebuild(name, request.confirm(), user);
    }
}
