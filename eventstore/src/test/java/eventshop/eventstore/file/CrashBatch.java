package eventshop.eventstore.file;

import eventshop.eventstore.EventData;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One batch appended by the crash tests, with content derived entirely from
 * {@code (stream, first, size, nonce)}: the child JVM that appends it and the test that audits the
 * store after a kill generate byte-identical events, and every stored event names its batch in the
 * {@value #HEADER} metadata header, so even a batch that was written but never acknowledged can be
 * checked for content and for atomicity.
 *
 * <p>The nonce differs per append attempt, so a writer that lost a race on a shared stream and
 * retries at another version uses fresh event ids (and gets {@code WrongExpectedVersion}, not
 * {@code DuplicateEventId}).
 *
 * @param stream the stream appended to
 * @param first  the version of the batch's first event
 * @param size   the number of events (1..)
 * @param nonce  per-attempt randomness
 */
record CrashBatch(String stream, long first, int size, long nonce) {

    static final String HEADER = "crash-batch";
    static final String SEND = "SEND";
    private static final int MAX_DATA = 4 * 1024;

    CrashBatch {
        if (size < 1 || first < 0) {
            throw new IllegalArgumentException("bad batch " + first + "+" + size);
        }
    }

    long last() {
        return first + size - 1;
    }

    /** The events of this batch, in version order. */
    List<EventData> events() {
        List<EventData> events = new ArrayList<>(size);
        for (long version = first; version <= last(); version++) {
            events.add(event(version));
        }
        return events;
    }

    /** The event this batch holds at {@code version}. */
    EventData event(long version) {
        if (version < first || version > last()) {
            throw new IllegalArgumentException(version + " is outside " + this);
        }
        SplittableRandom random = new SplittableRandom(
                nonce ^ (version * 0x9E3779B97F4A7C15L) ^ ((long) stream.hashCode() << 32));
        UUID id = new UUID(random.nextLong(), random.nextLong());
        int dataSize = random.nextInt(16) == 0 ? 0 : random.nextInt(MAX_DATA + 1);
        byte[] data = new byte[dataSize];
        random.nextBytes(data);
        String type = switch ((int) (version % 3)) {
            case 0 -> "CrashItemAdded";
            case 1 -> "CrashItemRemoved";
            default -> "CrashNoted";
        };
        Metadata metadata = new Metadata(stream + "/" + first, "v" + version, "crash-writer",
                Instant.ofEpochSecond(1_700_000_000L + version, random.nextInt(1_000_000_000)),
                1 + (int) (version % 3),
                Map.of(HEADER, header(), "traceparent", "00-" + Long.toHexString(random.nextLong()) + "-01"));
        return new EventData(id, type, data, metadata);
    }

    String header() {
        return first + ":" + size + ":" + Long.toHexString(nonce);
    }

    /** The line a writer prints before it sends this batch; see {@link #parseSend}. */
    String sendLine() {
        return String.join(" ", SEND, stream, Long.toString(first), Integer.toString(size), Long.toHexString(nonce),
                CrashAck.END);
    }

    /** The batch a complete {@link #sendLine()} names, or null for any other line. */
    static CrashBatch parseSend(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 6 || !parts[0].equals(SEND) || !parts[5].equals(CrashAck.END)) {
            return null;
        }
        return new CrashBatch(parts[1], Long.parseLong(parts[2]), Integer.parseInt(parts[3]),
                Long.parseUnsignedLong(parts[4], 16));
    }

    /** The batch a stored event says it belongs to, or null if it carries no crash-batch header. */
    static CrashBatch of(RecordedEvent event) {
        String header = event.metadata().headers().get(HEADER);
        if (header == null) {
            return null;
        }
        String[] parts = header.split(":");
        return new CrashBatch(event.streamId(), Long.parseLong(parts[0]), Integer.parseInt(parts[1]),
                Long.parseUnsignedLong(parts[2], 16));
    }

    /** A digest of events' ids, types, data and metadata (headers in key order), as 16 hex digits. */
    static String hash(List<? extends Object> events) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Object event : events) {
            switch (event) {
                case EventData data -> digestEvent(digest, data.eventId(), data.type(), data.data(), data.metadata());
                case RecordedEvent recorded -> digestEvent(digest, recorded.eventId(), recorded.type(),
                        recorded.data(), recorded.metadata());
                default -> throw new IllegalArgumentException(String.valueOf(event));
            }
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    private static void digestEvent(MessageDigest digest, UUID id, String type, byte[] data, Metadata metadata) {
        digest.update(ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array());
        digestString(digest, type);
        digest.update(ByteBuffer.allocate(4).putInt(data.length).array());
        digest.update(data);
        digestString(digest, metadata.correlationId());
        digestString(digest, metadata.causationId());
        digestString(digest, metadata.actingUser());
        digest.update(ByteBuffer.allocate(16).putLong(metadata.timestamp().getEpochSecond())
                .putInt(metadata.timestamp().getNano()).putInt(metadata.schemaVersion()).array());
        new TreeMap<>(metadata.headers()).forEach((key, value) -> {
            digestString(digest, key);
            digestString(digest, value);
        });
    }

    private static void digestString(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }
}
