package eventshop.edge.sessions;

import eventshop.contracts.EventEnvelope;
import eventshop.contracts.Topics;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountForgotten;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows {@code accounts.events} (consumer group {@value #GROUP}): {@code AccountSuspended} and
 * {@code AccountArchived} (and {@code AccountForgotten}) end the account's sessions that were logged in before it (by the event's version
 * in the account's stream: a customer reactivated and logged in again before this arrives keeps the new
 * session). An administrator's suspend or archive through edge ends them before it is answered (see the
 * {@code accounts-lifecycle} route); this catches every change that did not pass through edge, or through
 * this edge instance. Ending sessions is idempotent, so a
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
        on(header(record, EventEnvelope.EVENT_TYPE), version(header(record, EventEnvelope.STREAM_VERSION)),
                record.value());
    }

    /**
     * Handles one event of {@code accounts.events} by its type, its version in the account's stream (null if
     * the record does not say: then every session of the account ends) and its JSON.
     */
    public void on(String type, @Nullable Long version, byte[] data) {
        try {
            if (AccountSuspended.class.getSimpleName().equals(type)) {
                end(json.readValue(data, AccountSuspended.class).accountId(), Sessions.Ending.SUSPENDED, version, type);
            } else if (AccountArchived.class.getSimpleName().equals(type)) {
                end(json.readValue(data, AccountArchived.class).accountId(), Sessions.Ending.ARCHIVED, version, type);
            } else if (AccountForgotten.class.getSimpleName().equals(type)) {
                // "forget me" archives the account for good: its sessions end as an archiving ends them
                end(json.readValue(data, AccountForgotten.class).accountId(), Sessions.Ending.ARCHIVED, version, type);
            }
        } catch (JacksonException | IllegalArgumentException unreadable) {
            LOG.warn("skipped an unreadable {} on {}: {}", type, Topics.ACCOUNTS_EVENTS, unreadable.toString());
        }
    }

    private void end(String accountId, Sessions.Ending ending, @Nullable Long version, String type) {
        if (accountId == null || accountId.isBlank() || accountId.length() > 100) {
            LOG.warn("skipped a {} on {} without a usable account id", type, Topics.ACCOUNTS_EVENTS);
            return;
        }
        if (version == null) {
            sessions.endAll(accountId, ending);
        } else {
            sessions.endBefore(accountId, ending, version);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static @Nullable Long version(String text) {
        try {
            return text.isBlank() ? null : Long.valueOf(text.strip());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
