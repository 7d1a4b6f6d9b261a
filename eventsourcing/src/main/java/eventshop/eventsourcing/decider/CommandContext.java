package eventshop.eventsourcing.decider;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Who and what caused a command, carried into every event it produces as metadata.
 *
 * @param commandId     id of this command; becomes the events' causation id
 * @param correlationId id of the whole conversation (a checkout, a registration); kept across services
 * @param actingUser    the user on whose behalf the command runs ("" if none)
 * @param headers       further metadata headers, e.g. W3C trace context ({@code traceparent})
 */
public record CommandContext(UUID commandId, String correlationId, String actingUser, Map<String, String> headers) {

    public CommandContext {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(actingUser, "actingUser");
        headers = Map.copyOf(headers);
    }

    /** A context that starts a new conversation. */
    public static CommandContext start(UUID commandId, String actingUser) {
        return new CommandContext(commandId, commandId.toString(), actingUser, Map.of());
    }

    /** A context caused by an earlier message of the same conversation. */
    public static CommandContext causedBy(UUID commandId, String correlationId, String actingUser) {
        return new CommandContext(commandId, correlationId, actingUser, Map.of());
    }

    public CommandContext withHeaders(Map<String, String> headers) {
        return new CommandContext(commandId, correlationId, actingUser, headers);
    }
}
