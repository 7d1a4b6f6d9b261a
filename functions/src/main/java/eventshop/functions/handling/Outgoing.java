package eventshop.functions.handling;

import java.util.Objects;
import java.util.UUID;

/**
 * What a handler answers to one input event: one command for another service.
 *
 * @param id      the command id (the message's {@code event-id}), derived from the input event id
 *                ({@link DerivedIds}), so a redelivered input yields the same id and the receiver
 *                deduplicates it
 * @param key     the Kafka record key: the target's id, so one target's commands keep their order
 * @param command the command record (a contract of the target service)
 * @param <C>     the target's sealed command type
 */
public record Outgoing<C>(UUID id, String key, C command) {

    public Outgoing {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(command, "command");
    }
}
