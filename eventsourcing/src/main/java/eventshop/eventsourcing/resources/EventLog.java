package eventshop.eventsourcing.resources;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * An aggregate's event log as every service's {@code GET .../events} answers it: the stream's stored events,
 * oldest first, each as {@link Entry} ({@code [{type,version,position,recordedAt,data}]}). The data is shown
 * as stored (not upcast, not decrypted): the log is the record, not a view of it. Who may read which stream
 * is the controller's decision (the owner or an administrator; anyone else gets the 404 of a stream that does
 * not exist). Thread-safe.
 */
public final class EventLog {

    /** The most events one request answers ({@code limit}'s maximum and default). */
    public static final int MAX_LIMIT = 1000;

    /**
     * One stored event.
     *
     * @param recordedAt the metadata's timestamp
     * @param data       the event's data as the JSON it is (a JSON string holding the text if it is not JSON)
     */
    public record Entry(String type, long version, long position, Instant recordedAt, JsonNode data) {
    }

    private final EventStore store;
    private final JsonMapper json;

    public EventLog(EventStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    /**
     * At most {@code limit} (1..{@value #MAX_LIMIT}) events of {@code streamId} from {@code fromVersion}; empty
     * for a stream that does not exist or has no event at that version.
     */
    public List<Entry> read(String streamId, long fromVersion, int limit) {
        return store.read(streamId, fromVersion).take(Math.clamp(limit, 1, MAX_LIMIT)).map(this::entry)
                .collectList().block();
    }

    /** {@code event} as the log shows it. */
    public Entry entry(RecordedEvent event) {
        return new Entry(event.type(), event.version(), event.position(), event.metadata().timestamp(),
                data(event.data()));
    }

    private JsonNode data(byte[] data) {
        try {
            return json.readTree(data);
        } catch (JacksonException notJson) {
            return StringNode.valueOf(new String(data, StandardCharsets.UTF_8));
        }
    }
}
