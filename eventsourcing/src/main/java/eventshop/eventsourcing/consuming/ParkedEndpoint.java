package eventshop.eventsourcing.consuming;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/parked}: messages this service's consumers parked on dead-letter topics.
 *
 * <ul>
 *   <li>{@code GET /actuator/parked}: every dead-letter topic with its parked messages;</li>
 *   <li>{@code GET /actuator/parked/{topic}}: one topic's;</li>
 *   <li>{@code POST /actuator/parked} with {@code {"id": "<topic>:<partition>:<offset>"}} replays one
 *       message, with {@code {"topic": "<dead-letter topic>"}} every one not yet replayed.</li>
 * </ul>
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

    @WriteOperation
    public List<ParkedMessage> replay(@Nullable String id, @Nullable String topic) {
        if (id != null && !id.isBlank()) {
            return List.of(parked.replay(id));
        }
        if (topic != null && !topic.isBlank()) {
            return parked.replayAll(topic);
        }
        throw new IllegalArgumentException("give the id of a parked message, or a dead-letter topic to replay");
    }
}
