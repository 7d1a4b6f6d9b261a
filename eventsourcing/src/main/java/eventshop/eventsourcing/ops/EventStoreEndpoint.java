package eventshop.eventsourcing.ops;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/eventstore}: the log head, and the events at a position
 * ({@code /actuator/eventstore/{position}} shows up to 20 events from there) for operators who
 * need to see what the log holds.
 */
@Endpoint(id = "eventstore")
public class EventStoreEndpoint {

    private static final int PAGE = 20;

    private final String service;
    private final EventStore store;

    public EventStoreEndpoint(String service, EventStore store) {
        this.service = service;
        this.store = store;
    }

    /** The log head. */
    public record Head(String service, long headPosition) {
    }

    /** One stored event as operators see it; the data is shown as text (it is JSON by default). */
    public record EventView(long position, String streamId, long version, String type, String eventId,
                            Instant timestamp, String correlationId, String causationId, String actingUser,
                            Map<String, String> headers, String data) {
        static EventView of(RecordedEvent event) {
            return new EventView(event.position(), event.streamId(), event.version(), event.type(),
                    event.eventId().toString(), event.metadata().timestamp(), event.metadata().correlationId(),
                    event.metadata().causationId(), event.metadata().actingUser(), event.metadata().headers(),
                    new String(event.data(), StandardCharsets.UTF_8));
        }
    }

    @ReadOperation
    public Head head() {
        return new Head(service, store.headPosition());
    }

    @ReadOperation
    public List<EventView> eventsAt(@Selector long position) {
        Limits.checkPosition(position);
        return store.readAll(position, PAGE).map(EventView::of).collectList().block();
    }
}
