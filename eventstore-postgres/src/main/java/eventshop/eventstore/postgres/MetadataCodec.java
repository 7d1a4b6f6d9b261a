package eventshop.eventstore.postgres;

import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Metadata;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code metadata} column: a compact binary encoding that round-trips every field exactly
 * (nanosecond timestamps included, which {@code timestamptz} would cut to microseconds).
 *
 * <p>Big-endian: format byte (1), timestamp seconds (8), nanos (4), schema version (4), then
 * correlation id, causation id and acting user (4-byte length + UTF-8 each), header count (4),
 * then per header a name and a value (4-byte length + UTF-8 each).
 */
final class MetadataCodec {

    private static final byte FORMAT = 1;
    private static final int MAX_METADATA = 8 * 1024 * 1024;

    private MetadataCodec() {
    }

    static byte[] encode(Metadata metadata) {
        byte[] correlation = metadata.correlationId().getBytes(StandardCharsets.UTF_8);
        byte[] causation = metadata.causationId().getBytes(StandardCharsets.UTF_8);
        byte[] user = metadata.actingUser().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = metadata.headers();
        long size = 1 + 8 + 4 + 4 + 12L + correlation.length + causation.length + user.length + 4;
        byte[][] names = new byte[headers.size()][];
        byte[][] values = new byte[headers.size()][];
        int i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            names[i] = header.getKey().getBytes(StandardCharsets.UTF_8);
            values[i] = header.getValue().getBytes(StandardCharsets.UTF_8);
            size += 8L + names[i].length + values[i].length;
            i++;
        }
        if (size > MAX_METADATA) {
            throw new InvalidRequest("metadata encodes to " + size + " bytes, at most " + MAX_METADATA + " allowed");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.put(FORMAT);
        buffer.putLong(metadata.timestamp().getEpochSecond());
        buffer.putInt(metadata.timestamp().getNano());
        buffer.putInt(metadata.schemaVersion());
        put(buffer, correlation);
        put(buffer, causation);
        put(buffer, user);
        buffer.putInt(names.length);
        for (int h = 0; h < names.length; h++) {
            put(buffer, names[h]);
            put(buffer, values[h]);
        }
        return buffer.array();
    }

    static Metadata decode(byte[] encoded) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(encoded);
            byte format = buffer.get();
            if (format != FORMAT) {
                throw new CorruptStoreException("unknown metadata format " + format);
            }
            long seconds = buffer.getLong();
            int nanos = buffer.getInt();
            int schemaVersion = buffer.getInt();
            String correlation = string(buffer);
            String causation = string(buffer);
            String user = string(buffer);
            int count = buffer.getInt();
            Map<String, String> headers;
            if (count == 0) {
                headers = Map.of();
            } else {
                headers = HashMap.newHashMap(count);
                for (int i = 0; i < count; i++) {
                    headers.put(string(buffer), string(buffer));
                }
            }
            if (buffer.hasRemaining()) {
                throw new CorruptStoreException("metadata has " + buffer.remaining() + " trailing bytes");
            }
            return new Metadata(correlation, causation, user, Instant.ofEpochSecond(seconds, nanos), schemaVersion,
                    headers);
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException | InvalidRequest e) {
            throw new CorruptStoreException("stored metadata does not decode: " + e, e);
        }
    }

    private static void put(ByteBuffer buffer, byte[] bytes) {
        buffer.putInt(bytes.length);
        buffer.put(bytes);
    }

    private static String string(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length == 0) {
            return "";
        }
        String value = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return value;
    }
}
