package eventshop.edge.sessions;

import eventshop.contracts.EventEnvelope;
import eventshop.contracts.Topics;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code accounts.events} (consumer group {@value #GROUP}): {@code AccountSuspended} and
 * {@code AccountArchived} end the account's sessions. An administrator's suspend or archive through edge
 * ends them before it is answered (see the {@code accounts-lifecycle} route); this catches every change
 * that did not pass through edge, or through this edge instance. Ending sessions is idempotent, so a
 * redelivered event does nothing new. Other event types are passed over; an event that does not parse is
 * logged and skipped. {@code eventshop.edge.sessions.follow-account-events=false} leaves the listener stopped.
 */
@Component
public class AccountEvents {

    static final String GROUP = "edge";

    private static final Logger LOG = LoggerFactory.getLogger(AccountEvents.class);

    private final Sessions sessions;
    private final JsonMapper json;

    AccountEvents(Sessions sessions, JsonMapper json) {
        this.sessions = sessions;
        this.json = json;
    }

    @KafkaListener(id = "edge-account-events", topics = Topics.ACCOUNTS_EVENTS, groupId = GROUP,
            autoStartup = "${eventshop.edge.sessions.follow-account-events:true}")
    void on(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader(EventEnvelope.EVENT_TYPE);
        on(type == null ? "" : new String(type.value(), StandardCharsets.UTF_8), record.value());
    }

    /** Handles one event of {@code accounts.events} by its type and JSON. */
    public void on(String type, byte[] data) {
        try {
            if (AccountSuspended.class.getSimpleName().equals(type)) {
                end(json.readValue(data, AccountSuspended.class).accountId(), Sessions.Ending.SUSPENDED, type);
            } else if (AccountArchived.class.getSimpleName().equals(type)) {
                end(json.readValue(data, AccountArchived.class).accountId(), Sessions.Ending.ARCHIVED, type);
            }
        } catch (JacksonException | IllegalArgumentException unreadable) {
            LOG.warn("skipped an unreadable {} on {}: {}", type, Topics.ACCOUNTS_EVENTS, unreadable.toString());
        }
    }

    private void end(String accountId, Sessions.Ending ending, String type) {
        if (accountId == null || accountId.isBlank() || accountId.length() > 100) {
            LOG.warn("skipped a {} on {} without a usable account id", type, Topics.ACCOUNTS_EVENTS);
            return;
        }
        sessions.endAll(accountId, ending);
    }
}
