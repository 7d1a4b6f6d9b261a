package eventshop.eventstore;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What is known about an event besides its data: who caused it, in which conversation, when, and
 * in which schema version its data is written. Round-tripped exactly by every engine.
 *
 * <p>Absent ids are empty strings, never null. {@code headers} carries anything else that must
 * travel with the event (for example W3C trace context); it is copied and unmodifiable.
 *
 * @param correlationId id shared by every event of one conversation (empty if none)
 * @param causationId   id of the command or event that caused this one (empty if none)
 * @param actingUser    the user on whose behalf the event was recorded (empty if none)
 * @param timestamp     when the event happened, as decided by the application (not by the store)
 * @param schemaVersion version of the data's schema, 1 or more
 * @param headers       further string headers, such as trace context
 */
public record Metadata(String correlationId, String causationId, String actingUser, Instant timestamp,
                       int schemaVersion, Map<String, String> headers) {

    /** Metadata with no ids, the epoch as timestamp and schema version 1. */
    public static final Metadata EMPTY = new Metadata("", "", "", Instant.EPOCH, 1, Map.of());

    public Metadata {
        if (correlationId == null || causationId == null || actingUser == null) {
            throw new InvalidRequest("metadata ids must not be null (use \"\" when absent)");
        }
        if (timestamp == null) {
            throw new InvalidRequest("metadata timestamp must not be null");
        }
        if (schemaVersion < 1) {
            throw new InvalidRequest("metadata schemaVersion must be >= 1, was " + schemaVersion);
        }
        if (headers == null) {
            throw new InvalidRequest("metadata headers must not be null (use Map.of())");
        }
        headers.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new InvalidRequest("metadata headers must not hold null keys or values");
            }
        });
        headers = Map.copyOf(headers);
    }

    /** Metadata with only a timestamp. */
    public static Metadata at(Instant timestamp) {
        return new Metadata("", "", "", timestamp, 1, Map.of());
    }

    public Metadata withCorrelation(String correlationId, String causationId) {
        return new Metadata(correlationId, causationId, actingUser, timestamp, schemaVersion, headers);
    }

    public Metadata withActingUser(String actingUser) {
        return new Metadata(correlationId, causationId, actingUser, timestamp, schemaVersion, headers);
    }

    public Metadata withSchemaVersion(int schemaVersion) {
        return new Metadata(correlationId, causationId, actingUser, timestamp, schemaVersion, headers);
    }

    public Metadata withHeaders(Map<String, String> headers) {
        return new Metadata(correlationId, causationId, actingUser, timestamp, schemaVersion, headers);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Metadata that
                && schemaVersion == that.schemaVersion
                && correlationId.equals(that.correlationId)
                && causationId.equals(that.causationId)
                && actingUser.equals(that.actingUser)
                && timestamp.equals(that.timestamp)
                && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(correlationId, causationId, actingUser, timestamp, schemaVersion, headers);
    }
}
