package eventshop.eventsourcing.consuming;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/parked}: messages this service's consumers parked on dead-letter topics, with their status
 * (pending, replayed, discarded).
 *
 * <ul>
 *   <li>{@code GET /actuator/parked}: every dead-letter topic with its parked messages;</li>
 *   <li>{@code GET /actuator/parked/{topic}}: one topic's;</li>
 *   <li>{@code POST /actuator/parked} with {@code {"id": "<topic>:<partition>:<offset>"}} replays one
 *       message (at most once: a second replay is refused), with {@code {"topic": "<dead-letter topic>"}} every
 *       pending one.</li>
 * </ul>
 *
 * The operations console's {@code /api/ops/<service>/parked} does the same and more (discard, replay-all as a job),
 * audited; both go through {@link ParkedMessages}.
 */
@Endpoint(id = "parked")
public class ParkedEndpoint {

    private static final int LIMIT = 100;

    private final ParkedMessages parked;

    public ParkedEndpoint(ParkedMessages parked) {
        this.parked = parked;
    }

    @ReadOperation
    public Map<String, List<ParkedMessage>> all() {
        return parked.list(LIMIT);
    }

    @ReadOperation
    public List<ParkedMessage> topic(@Selector String topic) {
        return parked.list(topic, LIMIT);
    }

    /** Replays a message, or a topic's pending ones, noting the caller (if known) as who did. */
    @WriteOperation
    public List<ParkedMessage> replay(@Nullable String id, @Nullable String topic, SecurityContext caller) {
        Principal principal = caller.getPrincipal();
        String by = principal == null ? null : principal.getName();
        if (id != null && !id.isBlank()) {
            return List.of(parked.replay(id, by, () -> {
            }));
        }
        if (topic != null && !topic.isBlank()) {
            return parked.replayAll(topic, by);
        }
        throw new IllegalArgumentException("give the id of a parked message, or a dead-letter topic to replay");
    }
}
