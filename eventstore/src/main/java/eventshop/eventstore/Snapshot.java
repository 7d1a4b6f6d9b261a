package eventshop.eventstore;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stream's folded state at one version, stored so that a load can start there instead of at 0.
 * A snapshot never changes what a fold returns, only how fast it gets there.
 *
 * @param streamId the stream
 * @param version  the version of the last event folded into {@code data}
 * @param type     what {@code data} holds (for example the state's class and schema version)
 * @param data     the serialized state
 */
public record Snapshot(String streamId, long version, String type, byte[] data) {

    public Snapshot {
        Limits.checkStreamId(streamId);
        if (version < 0) {
            throw new InvalidRequest("snapshot version must be >= 0, was " + version);
        }
        if (type == null || type.isEmpty() || type.length() > Limits.MAX_TYPE_LENGTH) {
            throw new InvalidRequest("snapshot type must be 1 to " + Limits.MAX_TYPE_LENGTH + " characters");
        }
        if (data == null) {
            throw new InvalidRequest("snapshot data must not be null");
        }
        if (data.length > Limits.MAX_EVENT_SIZE) {
            throw new InvalidRequest("snapshot data is " + data.length + " bytes, at most " + Limits.MAX_EVENT_SIZE);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that && version == that.version && streamId.equals(that.streamId)
                && type.equals(that.type) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, version, type, Arrays.hashCode(data));
    }
}
