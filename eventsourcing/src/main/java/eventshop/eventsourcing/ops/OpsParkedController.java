package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.InvalidRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The console's parked messages under {@code /api/ops/<service>/parked} ({@link OpsParked}): list them per
 * dead-letter topic, replay one (once), discard one with a reason, replay a topic's as a job and follow or stop
 * the job. Every action is audited.
 */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH + "/parked")
@PreAuthorize("hasRole('ADMIN')")
public class OpsParkedController {

    private static final int MAX_LIMIT = 500;

    /** {@code {"id": "<topic>:<partition>:<offset>"}}. */
    public record ReplayRequest(@Nullable String id) {
    }

    /** {@code {"id": "...", "reason": "..."}}: the reason is required. */
    public record DiscardRequest(@Nullable String id, @Nullable String reason) {
    }

    /** {@code {"topic": "...", "upTo": 120, "chunk": 50}}: {@code upTo} and {@code chunk} are optional. */
    public record ReplayAllRequest(@Nullable String topic, @Nullable Long upTo, @Nullable Integer chunk) {
    }

    private final OpsParked parked;

    public OpsParkedController(OpsParked parked) {
        this.parked = parked;
    }

    /** Every dead-letter topic with its counts and its newest {@code limit} messages per partition (1..500, 100). */
    @GetMapping
    public List<OpsParked.Topic> parked(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequest("limit must be 1.." + MAX_LIMIT + ", not " + limit);
        }
        return parked.topics(limit);
    }

    @PostMapping("/replay")
    public OpsParked.Handled replay(@RequestBody ReplayRequest request, EdgeUser user) {
        return parked.replay(request.id(), user);
    }

    @PostMapping("/discard")
    public OpsParked.Handled discard(@RequestBody DiscardRequest request, EdgeUser user) {
        return parked.discard(request.id(), request.reason(), user);
    }

    /** Starts a replay-all job: 202 with the job, to follow at {@code jobs/{id}}. */
    @PostMapping("/replay-all")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public OpsParked.Job replayAll(@RequestBody ReplayAllRequest request, EdgeUser user) {
        return parked.replayAll(request.topic(), request.upTo(), request.chunk(), user);
    }

    @GetMapping("/jobs/{id}")
    public OpsParked.Job job(@PathVariable String id) {
        return parked.job(id);
    }

    @PostMapping("/jobs/{id}/stop")
    public OpsParked.Job stop(@PathVariable String id, EdgeUser user) {
        return parked.stop(id, user);
    }
}
