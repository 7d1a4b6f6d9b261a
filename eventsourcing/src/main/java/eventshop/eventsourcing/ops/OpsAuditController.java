package eventshop.eventsourcing.ops;

import eventshop.eventstore.InvalidRequest;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/ops/<service>/audit}: the newest actions operators took on this service, newest first, as the log
 * holds them ({@link OpsEvent}s of the stream {@value OpsAudit#STREAM}: the action in {@code data}, the operator in
 * {@code actingUser}, the time in {@code recordedAt}).
 */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH)
@PreAuthorize("hasRole('ADMIN')")
public class OpsAuditController {

    private static final int MAX = 500;

    private final OpsAudit audit;
    private final PersonalData personal;

    public OpsAuditController(OpsAudit audit, PersonalData personal) {
        this.audit = audit;
        this.personal = personal;
    }

    @GetMapping("/audit")
    public List<OpsEvent> audit(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX) {
            throw new InvalidRequest("limit must be 1.." + MAX + ", not " + limit);
        }
        return audit.recentEvents(limit).stream().map(event -> OpsEvent.of(event, personal)).toList();
    }
}
