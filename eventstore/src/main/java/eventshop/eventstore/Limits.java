package eventshop.eventstore;

import java.util.List;

/** The sizes every engine accepts, and the checks of an append request shared by the engines. */
public final class Limits {

    /** Longest stream id, in characters (UTF-16 units, as {@link String#length()} counts). */
    public static final int MAX_STREAM_ID_LENGTH = 200;
    /** Longest event type, in characters. */
    public static final int MAX_TYPE_LENGTH = 200;
    /** Largest event data, in bytes (16 MiB). */
    public static final int MAX_EVENT_SIZE = 16 * 1024 * 1024;
    /** Most events in one append. */
    public static final int MAX_BATCH_EVENTS = 10_000;
    /** Largest total data of one append, in bytes (64 MiB). */
    public static final long MAX_BATCH_BYTES = 64L * 1024 * 1024;
    /** Largest {@code limit} of one {@code readAll}. */
    public static final int MAX_READ_LIMIT = 1_000_000;

    private Limits() {
    }

    /** @throws InvalidRequest if the stream id is null, empty, over-long or not valid Unicode text */
    public static void checkStreamId(String streamId) {
        if (streamId == null || streamId.isEmpty()) {
            throw new InvalidRequest("stream id must not be null or empty");
        }
        if (streamId.length() > MAX_STREAM_ID_LENGTH) {
            throw new InvalidRequest("stream id is " + streamId.length() + " characters, at most "
                    + MAX_STREAM_ID_LENGTH + " allowed");
        }
        for (int i = 0; i < streamId.length(); i++) {
            char c = streamId.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= streamId.length() || !Character.isLowSurrogate(streamId.charAt(i + 1))) {
                    throw new InvalidRequest("stream id is not valid Unicode (lone surrogate at " + i + ")");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new InvalidRequest("stream id is not valid Unicode (lone surrogate at " + i + ")");
            }
        }
    }

    /** @throws InvalidRequest for a bad append: see {@link EventStore#append} */
    public static void checkAppend(String streamId, ExpectedVersion expected, List<EventData> events) {
        checkStreamId(streamId);
        if (expected == null) {
            throw new InvalidRequest("expected version must not be null");
        }
        if (events == null || events.isEmpty()) {
            throw new InvalidRequest("an append needs at least one event");
        }
        if (events.size() > MAX_BATCH_EVENTS) {
            throw new InvalidRequest("an append holds at most " + MAX_BATCH_EVENTS + " events, got " + events.size());
        }
        long total = 0;
        java.util.Set<java.util.UUID> ids = events.size() > 16 ? new java.util.HashSet<>() : null;
        for (int i = 0; i < events.size(); i++) {
            EventData event = events.get(i);
            if (event == null) {
                throw new InvalidRequest("event " + i + " of the batch is null");
            }
            if (event.data().length > MAX_EVENT_SIZE) {
                throw new InvalidRequest("event " + i + " data is " + event.data().length + " bytes, at most "
                        + MAX_EVENT_SIZE + " allowed");
            }
            total += event.data().length;
            boolean repeated = false;
            if (ids != null) {
                repeated = !ids.add(event.eventId());
            } else {
                for (int j = 0; j < i && !repeated; j++) {
                    repeated = events.get(j).eventId().equals(event.eventId());
                }
            }
            if (repeated) {
                throw new InvalidRequest("event id " + event.eventId() + " appears twice in one batch");
            }
        }
        if (total > MAX_BATCH_BYTES) {
            throw new InvalidRequest("an append holds at most " + MAX_BATCH_BYTES + " bytes of data, got " + total);
        }
    }

    /** @throws InvalidRequest for a negative version */
    public static void checkVersion(long fromVersion) {
        if (fromVersion < 0) {
            throw new InvalidRequest("version must be >= 0, was " + fromVersion);
        }
    }

    /** @throws InvalidRequest for a negative position or a limit outside 1..{@link #MAX_READ_LIMIT} */
    public static void checkReadAll(long fromPosition, int limit) {
        checkPosition(fromPosition);
        if (limit < 1 || limit > MAX_READ_LIMIT) {
            throw new InvalidRequest("limit must be 1.." + MAX_READ_LIMIT + ", was " + limit);
        }
    }

    /**
     * @throws InvalidRequest for a null snapshot, or one ahead of the stream's current version
     */
    public static void checkSnapshot(Snapshot snapshot, java.util.function.ToLongFunction<String> streamVersion) {
        if (snapshot == null) {
            throw new InvalidRequest("snapshot must not be null");
        }
        long version = streamVersion.applyAsLong(snapshot.streamId());
        if (snapshot.version() > version) {
            throw new InvalidRequest("snapshot of '" + snapshot.streamId() + "' at version " + snapshot.version()
                    + " is ahead of the stream (version " + version + ")");
        }
    }

    /** @throws InvalidRequest for a negative position */
    public static void checkPosition(long position) {
        if (position < 0) {
            throw new InvalidRequest("position must be >= 0, was " + position);
        }
    }
}
