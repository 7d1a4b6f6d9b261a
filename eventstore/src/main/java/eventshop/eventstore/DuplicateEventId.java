package eventshop.eventstore;

import java.util.UUID;

/**
 * An append reused an event id already stored in the stream, but with different content (type,
 * data or metadata), or only part of a previously appended batch was repeated. A retry with the
 * same content is a no-op instead; this error means two different events claim one id.
 */
public class DuplicateEventId extends EventStoreException {

    private final String streamId;
    private final UUID eventId;

    public DuplicateEventId(String streamId, UUID eventId, String detail) {
        super("stream '" + streamId + "': event id " + eventId + " was already appended " + detail);
        this.streamId = streamId;
        this.eventId = eventId;
    }

    public String streamId() {
        return streamId;
    }

    public UUID eventId() {
        return eventId;
    }
}
