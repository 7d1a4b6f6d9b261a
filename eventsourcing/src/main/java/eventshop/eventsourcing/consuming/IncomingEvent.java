package eventshop.eventsourcing.consuming;

import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.EventCodec;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.schema.SchemaVersionTooNew;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * An event another service published (or this one: a service may consume its own topic), as
 * read from the Kafka headers the relay writes ({@link EventHeaders}) and the payload.
 *
 * @param eventId        the id to deduplicate by
 * @param data           the payload (JSON by default); do not change the array
 * @param traceHeaders   W3C trace context and other propagated headers ({@code traceparent},
 *                       {@code tracestate}, {@code baggage}), to carry into the next command
 * @param sourcePosition the event's position in the publisher's log (-1 if unknown)
 */
public record IncomingEvent(UUID eventId, String type, String streamId, long version, long sourcePosition,
                            String source, String correlationId, String causationId, String actingUser,
                            Instant timestamp, int schemaVersion, Map<String, String> traceHeaders, byte[] data) {

    private static final String[] PROPAGATED = {EventHeaders.TRACEPARENT, EventHeaders.TRACESTATE, "baggage"};

    public IncomingEvent {
        traceHeaders = Map.copyOf(traceHeaders);
    }

    /**
     * Reads a message produced by the log relay.
     *
     * @throws MalformedMessage if it has no usable {@link EventHeaders#EVENT_ID}, or a broken number or
     *                          timestamp header, or a payload that is neither bytes nor text
     */
    public static IncomingEvent from(Message<?> message) {
        MessageHeaders headers = message.getHeaders();
        String id = header(headers, EventHeaders.EVENT_ID);
        if (id == null || id.isBlank()) {
            throw new MalformedMessage("the message has no " + EventHeaders.EVENT_ID + " header");
        }
        UUID eventId;
        try {
            eventId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessage("the " + EventHeaders.EVENT_ID + " header is not a UUID: " + id);
        }
        Map<String, String> trace = new LinkedHashMap<>();
        for (String name : PROPAGATED) {
            String value = header(headers, name);
            if (value != null) {
                trace.put(name, value);
            }
        }
        return new IncomingEvent(eventId, orEmpty(header(headers, EventHeaders.EVENT_TYPE)),
                orEmpty(header(headers, EventHeaders.STREAM_ID)), number(headers, EventHeaders.STREAM_VERSION),
                number(headers, EventHeaders.SOURCE_POSITION), orEmpty(header(headers, EventHeaders.SOURCE)),
                orEmpty(header(headers, EventHeaders.CORRELATION_ID)), orEmpty(header(headers, EventHeaders.CAUSATION_ID)),
                orEmpty(header(headers, EventHeaders.ACTING_USER)), instant(header(headers, EventHeaders.EVENT_TIMESTAMP)),
                (int) Math.max(1, number(headers, EventHeaders.SCHEMA_VERSION)), trace, payload(message));
    }

    /** This event with other trace headers (the span of the consumer that handles it). */
    public IncomingEvent withTraceHeaders(Map<String, String> headers) {
        return new IncomingEvent(eventId, type, streamId, version, sourcePosition, source, correlationId, causationId,
                actingUser, timestamp, schemaVersion, headers, data);
    }

    /**
     * The payload as the event or command of {@code codec} this message's type names: the one decode of
     * every consumer. A consumer that passes over types it does not know checks {@link #type()} first. A
     * payload of an older {@link #schemaVersion()} is upcast by the codec (records published before a
     * schema change stay on the topic and are read again by a rebuild).
     *
     * @throws MalformedMessage    if the codec knows no such type, the payload does not decode as it (the
     *                             codec's error is the cause; so is a version no upcaster leads up from), or
     *                             the payload is JSON {@code null}
     * @throws SchemaVersionTooNew if the publisher is newer than this consumer: not malformed, not to be
     *                             passed over; it is retried (and parked by a consumer with a dead-letter
     *                             topic, to be replayed once this consumer is upgraded)
     */
    public <T> T decode(EventCodec<T> codec) {
        T decoded;
        try {
            decoded = codec.deserialize(type, data, schemaVersion);
        } catch (SchemaVersionTooNew newer) {
            throw newer;
        } catch (RuntimeException unreadable) {
            throw new MalformedMessage("unreadable " + this + ": " + unreadable.getMessage(), unreadable);
        }
        if (decoded == null) {
            throw new MalformedMessage("no " + type + " in " + this + ": the payload is null");
        }
        return decoded;
    }

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /**
     * The context for a command this event causes: the command id is this event's id (so the
     * resulting events name it as their causation), the conversation (correlation id) and the
     * acting user carry on, and so does the trace context.
     */
    public CommandContext causedContext() {
        String correlation = correlationId.isEmpty() ? eventId.toString() : correlationId;
        return new CommandContext(eventId, correlation, actingUser, traceHeaders);
    }

    private static String header(MessageHeaders headers, String name) {
        return EventHeaders.text(headers.get(name));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static long number(MessageHeaders headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedMessage("the " + name + " header is not a number: " + value);
        }
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedMessage("the " + EventHeaders.EVENT_TIMESTAMP + " header is not ISO-8601: " + value);
        }
    }

    private static byte[] payload(Message<?> message) {
        Object payload = message.getPayload();
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw new MalformedMessage("expected a byte[] or String payload, got " + payload.getClass().getName());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IncomingEvent that && eventId.equals(that.eventId) && type.equals(that.type)
                && streamId.equals(that.streamId) && version == that.version && sourcePosition == that.sourcePosition
                && source.equals(that.source) && correlationId.equals(that.correlationId)
                && causationId.equals(that.causationId) && actingUser.equals(that.actingUser)
                && timestamp.equals(that.timestamp) && schemaVersion == that.schemaVersion
                && traceHeaders.equals(that.traceHeaders) && java.util.Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return eventId.hashCode();
    }

    @Override
    public String toString() {
        return "IncomingEvent[" + type + " " + streamId + "@" + version + " from " + source + ", eventId=" + eventId
                + ", data=" + data.length + " bytes]";
    }

}
