package eventshop.benchmarks;

import eventshop.eventstore.EventData;
import eventshop.eventstore.Metadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The events the benchmark appends: 256 bytes of JSON-like data, a type, a timestamp, a fresh id each. */
final class Events {

    static final int DATA_BYTES = 256;
    static final String TYPE = "CartItemAdded";

    private Events() {
    }

    /** A JSON object of exactly {@code size} bytes (padded), looking like a small domain event. */
    static byte[] data(int size) {
        String head = "{\"cartId\":\"" + UUID.randomUUID() + "\",\"sku\":\"SKU-24642\",\"quantity\":3,"
                + "\"unitPriceCents\":1999,\"pad\":\"";
        String tail = "\"}";
        int padding = size - head.length() - tail.length();
        if (padding < 0) {
            throw new IllegalArgumentException("event data must be at least " + (head.length() + tail.length()) + " bytes");
        }
        byte[] bytes = (head + "x".repeat(padding) + tail).getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != size) {
            throw new IllegalStateException("data is " + bytes.length + " bytes, wanted " + size);
        }
        return bytes;
    }

    /**
     * Stream ids of one writer: {@code count} cart streams of its own, so writers never share a
     * stream and each stream grows like an aggregate does.
     */
    static String[] streams(String writer, int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = "cart-" + writer + "-" + i;
        }
        return ids;
    }

    /**
     * Cheap unique event ids: a random high half per generator and a counter as the low half.
     * {@link UUID#randomUUID()} would put a shared SecureRandom lock on every writer's path.
     * Not thread-safe; one per writer.
     */
    static final class Ids {
        private final long high = ThreadLocalRandom.current().nextLong();
        private long next;

        UUID next() {
            return new UUID(high, next++);
        }
    }

    /** A one-event batch. */
    static List<EventData> one(Ids ids, byte[] data) {
        return List.of(new EventData(ids.next(), TYPE, data, Metadata.at(Instant.now())));
    }
}
