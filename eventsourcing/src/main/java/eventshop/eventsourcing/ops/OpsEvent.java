package eventshop.eventsourcing.ops;

import eventshop.eventstore.RecordedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One stored event as the operations console shows it (docs/operations.md): where it is in the log, its
 * metadata, and its data as JSON with the personal fields masked ({@link PersonalData}); {@code masked} lists
 * the JSON pointers of the masked fields, which an audited unmask may reveal one at a time. The one view of an
 * event every console endpoint and {@code /actuator/eventstore} answer with. Immutable; no member is null.
 *
 * @param position      the event's global position in the service's log
 * @param recordedAt    the metadata's timestamp: when the event happened, as the application decided
 * @param correlationId empty when the event belongs to no conversation (as are the other ids when absent)
 * @param headers       the metadata's further headers (trace context)
 * @param data          the event's data, masked; a masked string when the data is not JSON
 * @param masked        where {@code data} was masked
 */
public record OpsEvent(long position, String streamId, long version, String type, String eventId, Instant recordedAt,
                       String correlationId, String causationId, String actingUser, int schemaVersion,
                       Map<String, String> headers, JsonNode data, List<String> masked) {

    /** {@code event} with its data masked by {@code personal}. */
    public static OpsEvent of(RecordedEvent event, PersonalData personal) {
        PersonalData.Masked data = personal.mask(event.data());
        return new OpsEvent(event.position(), event.streamId(), event.version(), event.type(),
                event.eventId().toString(), event.metadata().timestamp(), event.metadata().correlationId(),
                event.metadata().causationId(), event.metadata().actingUser(), event.metadata().schemaVersion(),
                event.metadata().headers(), data.json(), data.masked());
    }
}
