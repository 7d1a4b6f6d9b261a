package eventshop.eventstore;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as the store holds it: what was appended plus where it landed (stream version and
 * global position). Instances are immutable by contract; do not change the data array.
 *
 * @param eventId  the id given at append
 * @param streamId the stream it belongs to
 * @param version  its number in the stream, from 0, gapless
 * @param position its place in the global log, strictly increasing in commit order
 * @param type     the event type
 * @param data     the serialized event
 * @param metadata see {@link Metadata}
 */
public record RecordedEvent(UUID eventId, String streamId, long version, long position, String type, byte[] data,
                            Metadata metadata) {

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedEvent that
                && version == that.version && position == that.position
                && eventId.equals(that.eventId) && streamId.equals(that.streamId) && type.equals(that.type)
                && Arrays.equals(data, that.data) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, streamId, version, position, type, Arrays.hashCode(data), metadata);
    }

    @Override
    public String toString() {
        return "RecordedEvent[" + streamId + "@" + version + ", position=" + position + ", type=" + type
                + ", eventId=" + eventId + ", data=" + data.length + " bytes]";
    }
}
