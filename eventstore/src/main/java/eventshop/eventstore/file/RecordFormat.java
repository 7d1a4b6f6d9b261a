package eventshop.eventstore.file;

import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.EventData;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The on-disk record of one event. All integers are big-endian.
 *
 * <pre>
 * offset size  field
 *      0    4  length     total bytes of the record, this field included
 *      4    4  crc        CRC32C of bytes [8, length)
 *      8    8  position   global position
 *     16    8  version    version in its stream
 *     24   16  event id   UUID, most then least significant bits
 *     40    1  flags      bit 0: last record of its append batch
 *     41    2  s          stream id length in UTF-8 bytes (unsigned)
 *     43    2  t          type length in UTF-8 bytes (unsigned)
 *     45    4  m          metadata length in bytes
 *     49    4  d          data length in bytes
 *     53    s  stream id  UTF-8
 *          t  type       UTF-8
 *          m  metadata   timestamp seconds (8), nanos (4), schema version (4), correlation id,
 *                        causation id, acting user (each: 2-byte length + UTF-8), header count (2),
 *                        then per header a key (2-byte length + UTF-8) and value (4-byte length + UTF-8)
 *          d  data       the event's bytes
 * </pre>
 *
 * An append batch is a run of consecutive records whose last one carries the batch flag; a batch
 * never spans two segment files. Stateless and thread-safe.
 */
final class RecordFormat {

    static final int HEADER = 53;
    static final int OFFSET_CRC = 4;
    static final int OFFSET_POSITION = 8;
    static final int OFFSET_VERSION = 16;
    static final int OFFSET_FLAGS = 40;
    static final byte FLAG_END_OF_BATCH = 1;
    /** No valid record is larger: the biggest event plus the largest possible names and metadata. */
    static final int MAX_RECORD = 32 * 1024 * 1024;
    private static final int MAX_METADATA = 8 * 1024 * 1024;

    private RecordFormat() {
    }

    /**
     * Encodes an event into a complete record, with position, version and flags left 0 and no
     * checksum: the writer fills those in when it places the record in the log.
     */
    static byte[] encode(String streamId, EventData event) {
        byte[] stream = streamId.getBytes(StandardCharsets.UTF_8);
        byte[] type = event.type().getBytes(StandardCharsets.UTF_8);
        byte[] metadata = encodeMetadata(event.metadata());
        byte[] data = event.data();
        long length = (long) HEADER + stream.length + type.length + metadata.length + data.length;
        if (length > MAX_RECORD) {
            throw new InvalidRequest("event " + event.eventId() + " encodes to " + length + " bytes, at most "
                    + MAX_RECORD + " allowed");
        }
        byte[] record = new byte[(int) length];
        ByteBuffer buffer = ByteBuffer.wrap(record);
        buffer.putInt((int) length);
        buffer.putInt(0);
        buffer.putLong(0);
        buffer.putLong(0);
        buffer.putLong(event.eventId().getMostSignificantBits());
        buffer.putLong(event.eventId().getLeastSignificantBits());
        buffer.put((byte) 0);
        buffer.putShort((short) stream.length);
        buffer.putShort((short) type.length);
        buffer.putInt(metadata.length);
        buffer.putInt(data.length);
        buffer.put(stream).put(type).put(metadata).put(data);
        return record;
    }

    private static byte[] encodeMetadata(Metadata metadata) {
        byte[] correlation = utf8(metadata.correlationId(), "correlationId");
        byte[] causation = utf8(metadata.causationId(), "causationId");
        byte[] user = utf8(metadata.actingUser(), "actingUser");
        Map<String, String> headers = metadata.headers();
        if (headers.size() > 0xFFFF) {
            throw new InvalidRequest("metadata holds " + headers.size() + " headers, at most 65535 allowed");
        }
        int size = 8 + 4 + 4 + 6 + correlation.length + causation.length + user.length + 2;
        byte[][] keys = new byte[headers.size()][];
        byte[][] values = new byte[headers.size()][];
        int i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            keys[i] = utf8(header.getKey(), "header name");
            values[i] = header.getValue().getBytes(StandardCharsets.UTF_8);
            size += 2 + keys[i].length + 4 + values[i].length;
            if (size > MAX_METADATA) {
                throw new InvalidRequest("metadata is larger than " + MAX_METADATA + " bytes");
            }
            i++;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putLong(metadata.timestamp().getEpochSecond());
        buffer.putInt(metadata.timestamp().getNano());
        buffer.putInt(metadata.schemaVersion());
        putShortString(buffer, correlation);
        putShortString(buffer, causation);
        putShortString(buffer, user);
        buffer.putShort((short) keys.length);
        for (int h = 0; h < keys.length; h++) {
            putShortString(buffer, keys[h]);
            buffer.putInt(values[h].length);
            buffer.put(values[h]);
        }
        return buffer.array();
    }

    private static byte[] utf8(String value, String what) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new InvalidRequest("metadata " + what + " is " + bytes.length + " bytes, at most 65535 allowed");
        }
        return bytes;
    }

    private static void putShortString(ByteBuffer buffer, byte[] bytes) {
        buffer.putShort((short) bytes.length);
        buffer.put(bytes);
    }

    /** Fills in position, version and flags of an encoded record at {@code offset} and seals it with its checksum. */
    static void place(ByteBuffer buffer, int offset, int length, long position, long version, boolean endOfBatch,
                      CRC32C crc) {
        buffer.putLong(offset + OFFSET_POSITION, position);
        buffer.putLong(offset + OFFSET_VERSION, version);
        buffer.put(offset + OFFSET_FLAGS, endOfBatch ? FLAG_END_OF_BATCH : 0);
        crc.reset();
        crc.update(buffer.slice(offset + 8, length - 8));
        buffer.putInt(offset + OFFSET_CRC, (int) crc.getValue());
    }

    /**
     * Checks the framing of the record starting at {@code offset}, without its checksum.
     *
     * @return the record's length if its header is plausible and it fits in {@code available}
     *         bytes; 0 if it does not fit (it continues past what was read); -1 if the header is invalid
     */
    static int frame(ByteBuffer buffer, int offset, int available) {
        if (available < 4) {
            return 0;
        }
        int length = buffer.getInt(offset);
        if (length < HEADER || length > MAX_RECORD) {
            return -1;
        }
        if (available < HEADER) {
            return 0;
        }
        int s = Short.toUnsignedInt(buffer.getShort(offset + 41));
        int t = Short.toUnsignedInt(buffer.getShort(offset + 43));
        int m = buffer.getInt(offset + 45);
        int d = buffer.getInt(offset + 49);
        if (s == 0 || t == 0 || m < 0 || d < 0 || (long) HEADER + s + t + m + d != length
                || (buffer.get(offset + OFFSET_FLAGS) & ~FLAG_END_OF_BATCH) != 0) {
            return -1;
        }
        return available < length ? 0 : length;
    }

    /** Whether the checksum of the framed record at {@code offset} matches its content. */
    static boolean checksumMatches(ByteBuffer buffer, int offset, int length, CRC32C crc) {
        crc.reset();
        crc.update(buffer.slice(offset + 8, length - 8));
        return (int) crc.getValue() == buffer.getInt(offset + OFFSET_CRC);
    }

    static long position(ByteBuffer buffer, int offset) {
        return buffer.getLong(offset + OFFSET_POSITION);
    }

    static boolean endOfBatch(ByteBuffer buffer, int offset) {
        return (buffer.get(offset + OFFSET_FLAGS) & FLAG_END_OF_BATCH) != 0;
    }

    static UUID eventId(ByteBuffer buffer, int offset) {
        return new UUID(buffer.getLong(offset + 24), buffer.getLong(offset + 32));
    }

    static String streamId(ByteBuffer buffer, int offset) {
        int s = Short.toUnsignedInt(buffer.getShort(offset + 41));
        return string(buffer, offset + HEADER, s);
    }

    /** Decodes a framed record whose checksum has been verified. */
    static RecordedEvent decode(ByteBuffer buffer, int offset, int length) {
        try {
            int s = Short.toUnsignedInt(buffer.getShort(offset + 41));
            int t = Short.toUnsignedInt(buffer.getShort(offset + 43));
            int m = buffer.getInt(offset + 45);
            int d = buffer.getInt(offset + 49);
            int at = offset + HEADER;
            String streamId = string(buffer, at, s);
            at += s;
            String type = string(buffer, at, t);
            at += t;
            Metadata metadata = decodeMetadata(buffer.slice(at, m));
            at += m;
            byte[] data = new byte[d];
            buffer.get(at, data);
            return new RecordedEvent(eventId(buffer, offset), streamId, buffer.getLong(offset + OFFSET_VERSION),
                    buffer.getLong(offset + OFFSET_POSITION), type, data, metadata);
        } catch (RuntimeException e) {
            throw new CorruptStoreException("a record with a valid checksum does not decode: " + e, e);
        }
    }

    private static Metadata decodeMetadata(ByteBuffer buffer) {
        long seconds = buffer.getLong();
        int nanos = buffer.getInt();
        int schemaVersion = buffer.getInt();
        String correlation = shortString(buffer);
        String causation = shortString(buffer);
        String user = shortString(buffer);
        int count = Short.toUnsignedInt(buffer.getShort());
        Map<String, String> headers;
        if (count == 0) {
            headers = Map.of();
        } else {
            headers = HashMap.newHashMap(count);
            for (int i = 0; i < count; i++) {
                String key = shortString(buffer);
                int valueLength = buffer.getInt();
                byte[] value = new byte[valueLength];
                buffer.get(value);
                headers.put(key, new String(value, StandardCharsets.UTF_8));
            }
        }
        return new Metadata(correlation, causation, user, Instant.ofEpochSecond(seconds, nanos), schemaVersion,
                headers);
    }

    private static String shortString(ByteBuffer buffer) {
        int length = Short.toUnsignedInt(buffer.getShort());
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer buffer, int at, int length) {
        if (buffer.hasArray()) {
            return new String(buffer.array(), buffer.arrayOffset() + at, length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        buffer.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A well-mixed, never-zero 64-bit hash of an event id, for the index's id set. */
    static long idHash(UUID eventId) {
        long h = eventId.getMostSignificantBits() * 0x9E3779B97F4A7C15L ^ eventId.getLeastSignificantBits();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
