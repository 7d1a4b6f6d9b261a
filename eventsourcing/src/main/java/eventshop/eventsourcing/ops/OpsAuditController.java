package eventshop.eventsourcing.ops;

import eventshop.eventstore.InvalidRequest;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/ops/<service>/audit}: the newest actions operators took on this service, newest first. */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH)
@PreAuthorize("hasRole('ADMIN')")
public class OpsAuditController {

    private static final int MAX = 500;

    private final OpsAudit audit;

    public OpsAuditController(OpsAudit audit) {
        this.audit = audit;
    }

    @GetMapping("/audit")
    public List<OpsAudit.Recorded> audit(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX) {
            throw new InvalidRequest("limit must be 1.." + MAX + ", not " + limit);
        }
        return audit.recent(limit);
    }
}
