package eventshop.accounts;

import eventshop.contracts.accounts.AccountCommand;
import eventshop.eventsourcing.relay.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.databind.json.JsonMapper;

/** Command messages as the functions send them on accounts.commands (and the binder hands them over). */
public final class Commands {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Commands() {
    }

    public static Message<byte[]> message(UUID commandId, AccountCommand command) {
        return message(commandId, command.getClass().getSimpleName(), JSON.writeValueAsBytes(command));
    }

    public static Message<byte[]> message(UUID commandId, String type, byte[] json) {
        return MessageBuilder.withPayload(json)
                .setHeader(EventHeaders.EVENT_ID, commandId.toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.CORRELATION_ID, "conversation-42".getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.CAUSATION_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.SOURCE, "functions".getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
