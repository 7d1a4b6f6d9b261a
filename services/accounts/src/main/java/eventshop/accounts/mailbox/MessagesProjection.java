package eventshop.accounts.mailbox;

import eventshop.accounts.mailbox.domain.Mailbox;
import eventshop.accounts.mailbox.domain.Mailbox.MessageDelivered;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.Projection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The read model of the mailboxes ({@code messages}), folded from the {@code mailbox-<accountId>} streams. */
@Component
public class MessagesProjection implements Projection {

    public static final String NAME = "messages";
    static final JsonEventCodec<Mailbox.Event> EVENTS = JsonEventCodec.of(Mailbox.Event.class);
    private static final String MAILBOX_STREAM = Mailbox.streamId("");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("messages");
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        jdbc.execute(tables.sql("CREATE TABLE {messages} (account_id VARCHAR(64) NOT NULL,"
                + " message_id VARCHAR(" + Mailbox.MAX_MESSAGE_ID + ") NOT NULL, seq BIGINT NOT NULL,"
                + " kind VARCHAR(32) NOT NULL, subject VARCHAR(" + Mailbox.MAX_SUBJECT + ") NOT NULL,"
                + " body VARCHAR(" + Mailbox.MAX_BODY + ") NOT NULL, code VARCHAR(" + Mailbox.MAX_CODE + ") NOT NULL,"
                + " delivered_at VARCHAR(40) NOT NULL, PRIMARY KEY (account_id, message_id))"));
        jdbc.execute("CREATE INDEX " + tables.name("messages") + "_by_account ON " + tables.name("messages")
                + " (account_id, seq)");
    }

    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        if (!event.streamId().startsWith(MAILBOX_STREAM)) {
            return;
        }
        switch (EVENTS.deserialize(event.type(), event.data(), event.metadata().schemaVersion())) {
            case MessageDelivered delivered -> jdbc.update(tables.sql("INSERT INTO {messages} (account_id, message_id,"
                            + " seq, kind, subject, body, code, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    delivered.accountId(), delivered.messageId(), event.position(), delivered.kind().name(),
                    delivered.subject(), delivered.body(), delivered.code(), delivered.at().toString());
        }
    }
}
