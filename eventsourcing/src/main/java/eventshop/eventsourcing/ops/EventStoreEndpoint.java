package eventshop.eventsourcing.ops;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.Limits;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/eventstore}: the log head, and the events at a position
 * ({@code /actuator/eventstore/{position}} shows up to 20 events from there) for operators who
 * need to see what the log holds. Events are shown as the operations console shows them ({@link OpsEvent}:
 * personal data masked). Thread-safe.
 */
@Endpoint(id = "eventstore")
public class EventStoreEndpoint {

    private static final int PAGE = 20;

    private final String service;
    private final EventStore store;
    private final PersonalData personal;

    public EventStoreEndpoint(String service, EventStore store, PersonalData personal) {
        this.service = service;
        this.store = store;
        this.personal = personal;
    }

    /** The log head. */
    public record Head(String service, long headPosition) {
    }

    @ReadOperation
    public Head head() {
        return new Head(service, store.headPosition());
    }

    @ReadOperation
    public List<OpsEvent> eventsAt(@Selector long position) {
        Limits.checkPosition(position);
        return store.readAll(position, PAGE).map(event -> OpsEvent.of(event, personal)).collectList().block();
    }
}
