package eventshop.contracts;

/**
 * The Kafka headers that carry an event's envelope on {@code <service>.events} (and a command's on
 * {@code <service>.commands}), part of the published language like the records themselves: every value
 * is a UTF-8 string. The record key is the stream id. The toolkit's relay writes them
 * ({@code eventshop.eventsourcing.relay.EventHeaders}); a consumer without the toolkit reads them by these names.
 */
public final class EventEnvelope {

    /** The event's id (UUID); consumers deduplicate by it. */
    public static final String EVENT_ID = "event-id";
    /** The event type: the record's simple name, for example {@code OrderPlaced}. */
    public static final String EVENT_TYPE = "event-type";
    /** The stream the event belongs to; also the record key. */
    public static final String STREAM_ID = "stream-id";
    /** The event's version in its stream, from 0. */
    public static final String STREAM_VERSION = "stream-version";
    /** The event's global position in the publishing service's log. */
    public static final String SOURCE_POSITION = "source-position";
    /** The publishing service's name. */
    public static final String SOURCE = "source";
    /** The conversation the event belongs to. */
    public static final String CORRELATION_ID = "correlation-id";
    /** The command or event that caused it. */
    public static final String CAUSATION_ID = "causation-id";
    /** The user on whose behalf it was recorded ("" when none). */
    public static final String ACTING_USER = "acting-user";
    /** When it happened (ISO-8601). */
    public static final String EVENT_TIMESTAMP = "event-timestamp";
    /** Version of the data's schema. */
    public static final String SCHEMA_VERSION = "schema-version";

    private EventEnvelope() {
    }
}
