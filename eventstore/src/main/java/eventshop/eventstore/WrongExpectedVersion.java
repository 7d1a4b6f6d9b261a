package eventshop.eventstore;

/**
 * An append whose expected version did not match the stream's current version. Nothing of the
 * batch was stored; the caller usually reloads the stream, decides again and retries.
 */
public class WrongExpectedVersion extends EventStoreException {

    private final String streamId;
    private final ExpectedVersion expected;
    private final long actualVersion;

    public WrongExpectedVersion(String streamId, ExpectedVersion expected, long actualVersion) {
        super("stream '" + streamId + "': expected version " + expected + " but the current version is "
                + (actualVersion == ExpectedVersion.NO_STREAM_VERSION ? "none (no stream)" : actualVersion));
        this.streamId = streamId;
        this.expected = expected;
        this.actualVersion = actualVersion;
    }

    public String streamId() {
        return streamId;
    }

    public ExpectedVersion expected() {
        return expected;
    }

    /** The stream's version when the append was checked; -1 when the stream does not exist. */
    public long actualVersion() {
        return actualVersion;
    }
}
