package eventshop.eventstore;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to append: its id (chosen by the writer, so a retry can be recognised), its type, its
 * data (JSON by default, but any bytes) and its metadata.
 *
 * <p>The data array is not copied: do not change it after handing it to the store.
 *
 * @param eventId  unique id of the event; appending the same id with the same content again is a no-op
 * @param type     the event type, for example {@code CartItemAdded}; 1 to 200 characters
 * @param data     the serialized event, possibly empty, never null
 * @param metadata see {@link Metadata}
 */
public record EventData(UUID eventId, String type, byte[] data, Metadata metadata) {

    public EventData {
        if (eventId == null) {
            throw new InvalidRequest("eventId must not be null");
        }
        if (type == null || type.isEmpty()) {
            throw new InvalidRequest("event type must not be null or empty");
        }
        if (type.length() > Limits.MAX_TYPE_LENGTH) {
            throw new InvalidRequest("event type is " + type.length() + " characters, at most "
                    + Limits.MAX_TYPE_LENGTH + " allowed");
        }
        if (data == null) {
            throw new InvalidRequest("event data must not be null (use an empty array)");
        }
        if (metadata == null) {
            throw new InvalidRequest("event metadata must not be null (use Metadata.EMPTY)");
        }
    }

    /** Whether {@code other} carries the same id, type, data and metadata. */
    public boolean sameContentAs(RecordedEvent other) {
        return eventId.equals(other.eventId()) && type.equals(other.type())
                && Arrays.equals(data, other.data()) && metadata.equals(other.metadata());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventData that
                && eventId.equals(that.eventId) && type.equals(that.type)
                && Arrays.equals(data, that.data) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, type, Arrays.hashCode(data), metadata);
    }

    @Override
    public String toString() {
        return "EventData[eventId=" + eventId + ", type=" + type + ", data=" + data.length + " bytes, metadata="
                + metadata + "]";
    }
}
