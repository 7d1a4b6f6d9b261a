package eventshop.views.freshness;

import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/views/freshness}: how fresh the views are, for anyone with an edge token (the storefront
 * prints it under its lists): {@code applied} is how many records of the topics the serving generation has applied,
 * {@code lag} how many more the topics hold (0 when caught up), {@code caughtUp} whether the serving generation
 * has reached the topics' end as they were at start. Nothing else of the operations' status
 * ({@code /api/views/status}, admins only) is shown: no offsets per partition, no errors.
 */
@RestController
class FreshnessController {

    record Freshness(long applied, long lag, boolean caughtUp) {
    }

    private final Projections projections;

    FreshnessController(Projections projections) {
        this.projections = projections;
    }

    @GetMapping("/api/views/freshness")
    Freshness freshness() {
        ProjectionStatus status = projections.status(Views.NAME);
        return new Freshness(Math.max(0, status.active().checkpoint()), Math.max(0, status.lag()), status.ready());
    }
}
