package eventshop.eventstore;

/**
 * What a writer believes about a stream's current version when it appends. The store checks it
 * once per batch, atomically with the append; a mismatch is a {@link WrongExpectedVersion}.
 *
 * <p>Versions number a stream's events from 0, so a stream with one event has version 0 and a
 * stream that does not exist has version {@link #NO_STREAM_VERSION} (-1).
 */
public sealed interface ExpectedVersion {

    /** The version of a stream that has no events. */
    long NO_STREAM_VERSION = -1;

    /** Append whatever the stream's current version is. */
    static ExpectedVersion any() {
        return Any.INSTANCE;
    }

    /** Append only if the stream has no events yet. */
    static ExpectedVersion noStream() {
        return NoStream.INSTANCE;
    }

    /**
     * Append only if the stream's last event has exactly this version.
     *
     * @throws InvalidRequest if {@code version} is negative
     */
    static ExpectedVersion exactly(long version) {
        return new Exactly(version);
    }

    /** Whether a stream whose current version is {@code actual} satisfies this expectation. */
    default boolean matches(long actual) {
        return switch (this) {
            case Any any -> true;
            case NoStream noStream -> actual == NO_STREAM_VERSION;
            case Exactly exactly -> actual == exactly.version();
        };
    }

    /** Any current version is accepted. */
    enum Any implements ExpectedVersion {
        INSTANCE;

        @Override
        public String toString() {
            return "any";
        }
    }

    /** The stream must not exist. */
    enum NoStream implements ExpectedVersion {
        INSTANCE;

        @Override
        public String toString() {
            return "noStream";
        }
    }

    /** The stream's last event must have this version (0 or more). */
    record Exactly(long version) implements ExpectedVersion {
        public Exactly {
            if (version < 0) {
                throw new InvalidRequest("expected version must be >= 0, was " + version
                        + " (use ExpectedVersion.noStream() for a new stream)");
            }
        }

        @Override
        public String toString() {
            return "exactly(" + version + ")";
        }
    }
}
