package eventshop.eventsourcing.relay;

import eventshop.contracts.EventEnvelope;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * The Kafka headers every event published by the log relay carries (DESIGN §5): the public
 * envelope of an integration event, named in the published language ({@link EventEnvelope}). All
 * values are UTF-8 strings (numbers in decimal, the timestamp in ISO-8601), so consumers in any
 * language can read them. The record key is the
 * stream id, so one stream's events share a partition and keep their order.
 *
 * <p>Metadata headers of the event (W3C trace context {@code traceparent}/{@code tracestate},
 * {@code baggage}, anything else the command put there) are copied under their own names, except
 * names reserved here or by Kafka/Spring ({@link #isReserved}).
 */
public final class EventHeaders {

    /** The event's id (UUID); consumers deduplicate by it. */
    public static final String EVENT_ID = EventEnvelope.EVENT_ID;
    /** The event type, for example {@code OrderPlaced}. */
    public static final String EVENT_TYPE = EventEnvelope.EVENT_TYPE;
    /** The stream the event belongs to; also the record key. */
    public static final String STREAM_ID = EventEnvelope.STREAM_ID;
    /** The event's version in its stream, from 0. */
    public static final String STREAM_VERSION = EventEnvelope.STREAM_VERSION;
    /** The event's global position in the publishing service's log. */
    public static final String SOURCE_POSITION = EventEnvelope.SOURCE_POSITION;
    /** The publishing service's name. */
    public static final String SOURCE = EventEnvelope.SOURCE;
    /** The conversation the event belongs to. */
    public static final String CORRELATION_ID = EventEnvelope.CORRELATION_ID;
    /** The command or event that caused it. */
    public static final String CAUSATION_ID = EventEnvelope.CAUSATION_ID;
    /** The user on whose behalf it was recorded ("" when none). */
    public static final String ACTING_USER = EventEnvelope.ACTING_USER;
    /** When it happened (ISO-8601). */
    public static final String EVENT_TIMESTAMP = EventEnvelope.EVENT_TIMESTAMP;
    /** Version of the data's schema. */
    public static final String SCHEMA_VERSION = EventEnvelope.SCHEMA_VERSION;
    /** W3C trace context parent. */
    public static final String TRACEPARENT = eventshop.eventsourcing.tracing.TraceParent.HEADER;
    /** W3C trace state. */
    public static final String TRACESTATE = "tracestate";

    private static final Set<String> ENVELOPE = Set.of(EVENT_ID, EVENT_TYPE, STREAM_ID, STREAM_VERSION,
            SOURCE_POSITION, SOURCE, CORRELATION_ID, CAUSATION_ID, ACTING_USER, EVENT_TIMESTAMP, SCHEMA_VERSION);

    private EventHeaders() {
    }

    /** The headers for {@code event} published by {@code source}, in a stable order. */
    public static Map<String, String> of(RecordedEvent event, String source) {
        Metadata metadata = event.metadata();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(EVENT_ID, event.eventId().toString());
        headers.put(EVENT_TYPE, event.type());
        headers.put(STREAM_ID, event.streamId());
        headers.put(STREAM_VERSION, Long.toString(event.version()));
        headers.put(SOURCE_POSITION, Long.toString(event.position()));
        headers.put(SOURCE, source);
        headers.put(CORRELATION_ID, metadata.correlationId());
        headers.put(CAUSATION_ID, metadata.causationId());
        headers.put(ACTING_USER, metadata.actingUser());
        headers.put(EVENT_TIMESTAMP, metadata.timestamp().toString());
        headers.put(SCHEMA_VERSION, Integer.toString(metadata.schemaVersion()));
        metadata.headers().forEach((name, value) -> {
            if (!isReserved(name)) {
                headers.put(name, value);
            }
        });
        return headers;
    }

    /**
     * Whether a metadata header name may not be copied into Kafka headers: the envelope names
     * above, Spring's {@code id}/{@code timestamp}/{@code contentType}, and the {@code kafka_},
     * {@code spring_}, {@code scst_} and {@code x-} prefixes the binder uses.
     */
    public static boolean isReserved(String name) {
        return ENVELOPE.contains(name) || name.equals("id") || name.equals("timestamp")
                || name.equalsIgnoreCase("contentType") || name.startsWith("kafka_") || name.startsWith("spring_")
                || name.startsWith("scst_") || name.startsWith("x-");
    }

    /** The record key for an event: its stream id in UTF-8. */
    public static byte[] key(RecordedEvent event) {
        return event.streamId().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The partition the records of stream {@code streamId} go to on a topic of {@code partitions}
     * partitions: what Kafka's default partitioner does with the key {@link #key} (murmur2 of its
     * bytes). Every event of a stream therefore travels on one partition, in the stream's order.
     */
    public static int partition(String streamId, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(streamId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** A header value as a string, whether the binder handed it over as a String or raw bytes. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value.toString();
    }
}
