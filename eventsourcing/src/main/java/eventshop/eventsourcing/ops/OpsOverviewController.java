package eventshop.eventsourcing.ops;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/ops/<service>/overview}: {@link OpsOverview}. */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH)
@PreAuthorize("hasRole('ADMIN')")
public class OpsOverviewController {

    private final OpsOverview overview;

    public OpsOverviewController(OpsOverview overview) {
        this.overview = overview;
    }

    @GetMapping("/overview")
    public OpsOverview.Overview overview() {
        return overview.overview();
    }
}
