package eventshop.eventsourcing.decider;

import eventshop.eventstore.RecordedEvent;

/**
 * Turns domain events into stored bytes and back. The type string is the stored event type (and
 * the Kafka {@code type} header), so it is part of the published contract: keep it stable.
 *
 * @param <E> the event type
 */
public interface EventCodec<E> {

    /** The stored type name of {@code event}. */
    String typeOf(E event);

    /** The event's data, JSON by default. */
    byte[] serialize(E event);

    /**
     * The event stored under {@code type} with {@code data} written in {@code schemaVersion}, as the current
     * version of its type (upcast first if it is older: every read path decodes through here).
     *
     * @throws UnknownEventType if the type is not one this codec knows
     * @throws eventshop.eventsourcing.schema.UnreadableSchemaVersion if the version is newer than the codec
     *         knows, or no upcaster leads up from it
     */
    E deserialize(String type, byte[] data, int schemaVersion);

    /**
     * The event stored as {@code recorded}: its type, data and schema version, deserialized.
     *
     * @throws UnknownEventType if the type is not one this codec knows, or its data does not parse
     */
    default E decode(RecordedEvent recorded) {
        return deserialize(recorded.type(), recorded.data(), recorded.metadata().schemaVersion());
    }

    /**
     * The schema version {@link #serialize} writes for {@code event}: its type's current version (1 unless a
     * codec says otherwise), stored in the event's metadata and published in the {@code schema-version} header.
     */
    default int schemaVersionOf(E event) {
        return 1;
    }
}
