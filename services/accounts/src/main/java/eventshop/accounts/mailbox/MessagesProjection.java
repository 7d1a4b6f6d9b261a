package eventshop.accounts.mailbox;

import eventshop.accounts.mailbox.domain.Mailbox;
import eventshop.accounts.mailbox.domain.Mailbox.MessageDelivered;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The read model of the mailboxes ({@code messages}), folded from the {@code mailbox-<accountId>} streams. */
@Component
public class MessagesProjection extends StreamProjection<Mailbox.Event> {

    public static final String NAME = "messages";

    public MessagesProjection() {
        super(NAME, Mailbox.streamId(""), JsonEventCodec.of(Mailbox.Event.class), List.of("messages"),
                "CREATE TABLE {messages} (account_id VARCHAR(64) NOT NULL,"
                        + " message_id VARCHAR(" + Mailbox.MAX_MESSAGE_ID + ") NOT NULL, seq BIGINT NOT NULL,"
                        + " kind VARCHAR(32) NOT NULL, subject VARCHAR(" + Mailbox.MAX_SUBJECT + ") NOT NULL,"
                        + " body VARCHAR(" + Mailbox.MAX_BODY + ") NOT NULL, code VARCHAR(" + Mailbox.MAX_CODE
                        + ") NOT NULL, delivered_at VARCHAR(40) NOT NULL, PRIMARY KEY (account_id, message_id))",
                "CREATE INDEX {messages}_by_account ON {messages} (account_id, seq)");
    }

    @Override
    protected void on(Mailbox.Event event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        switch (event) {
            case MessageDelivered delivered -> jdbc.update(tables.sql("INSERT INTO {messages} (account_id, message_id,"
                            + " seq, kind, subject, body, code, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    delivered.accountId(), delivered.messageId(), recorded.position(), delivered.kind().name(),
                    delivered.subject(), delivered.body(), delivered.code(), delivered.at().toString());
        }
    }
}
