package eventshop.eventstore.tck;

import eventshop.eventstore.EventData;
import eventshop.eventstore.Metadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Events to append in the contract tests: small JSON events by default, each with a fresh id. */
final class Events {

    /** A timestamp that needs every digit of nanosecond precision. */
    static final Instant HAPPENED_AT = Instant.parse("2025-03-14T15:09:26.535897932Z");

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Events() {
    }

    /** A fresh id, different from every other id this JVM hands out. */
    static UUID newId() {
        return UUID.randomUUID();
    }

    static EventData event() {
        return event("ItemAdded");
    }

    static EventData event(String type) {
        long n = SEQUENCE.incrementAndGet();
        return event(type, json("{\"n\":" + n + "}"));
    }

    static EventData event(String type, byte[] data) {
        return new EventData(newId(), type, data, Metadata.at(HAPPENED_AT));
    }

    static EventData event(byte[] data) {
        return event("Blob", data);
    }

    /** {@code size} fresh events. */
    static List<EventData> batch(int size) {
        List<EventData> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(event());
        }
        return events;
    }

    /** Events of {@code size} bytes of data each, for volume tests. */
    static List<EventData> batchOfSize(int events, int bytesEach) {
        List<EventData> batch = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            batch.add(event("Filler", bytes(bytesEach, SEQUENCE.incrementAndGet())));
        }
        return batch;
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Deterministic pseudo-random bytes: every byte value occurs, nothing compresses. */
    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        return data;
    }

    /** Every byte value from 0 to 255 once, in order. */
    static byte[] everyByteValue() {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        return data;
    }

    /** Metadata with every field set to something a careless encoding would lose. */
    static Metadata richMetadata() {
        return new Metadata("corr-7f3a\u00e9", "cause-\u2603-9", "user:\u00e5sa@example.org",
                HAPPENED_AT, 7, Map.of(
                        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "tenant", "\u6771\u4eac-\ud83d\uddfc",
                        "\u043a\u043b\u044e\u0447", "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435",
                        "emoji-\ud83d\ude80", "\ud83d\udc4d\ud83c\udffd",
                        "empty", ""));
    }

    static EventData withData(EventData event, byte[] data) {
        return new EventData(event.eventId(), event.type(), data, event.metadata());
    }

    static EventData withType(EventData event, String type) {
        return new EventData(event.eventId(), type, event.data(), event.metadata());
    }

    static EventData withMetadata(EventData event, Metadata metadata) {
        return new EventData(event.eventId(), event.type(), event.data(), metadata);
    }
}
