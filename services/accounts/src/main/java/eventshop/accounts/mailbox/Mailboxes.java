package eventshop.accounts.mailbox;

import eventshop.accounts.mailbox.domain.Mailbox;
import eventshop.accounts.mailbox.domain.Mailbox.Deliver;
import eventshop.accounts.profile.AccountProfiles;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Delivering to mailboxes and reading them. */
@Component
public class Mailboxes {

    /** A message as its reader sees it; {@code code} is null unless it is a confirmation. */
    public record Message(String id, MessageKind kind, String subject, String body, @Nullable String code,
                          Instant at) {
    }

    private final CommandHandler<Mailbox.Command, Mailbox.Event, Mailbox.State> handler;
    private final AccountProfiles profiles;
    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final EventStore store;
    private final Clock clock;
    private final String serviceName;

    public Mailboxes(CommandHandler<Mailbox.Command, Mailbox.Event, Mailbox.State> mailboxHandler,
                     AccountProfiles profiles, Projections projections, JdbcTemplate jdbc, EventStore store,
                     Clock clock, EventSourcingProperties properties) {
        this.handler = mailboxHandler;
        this.profiles = profiles;
        this.projections = projections;
        this.jdbc = jdbc;
        this.store = store;
        this.clock = clock;
        this.serviceName = properties.serviceName();
    }

    /**
     * Puts a message into the account's mailbox, unless a message with this id is there already.
     *
     * @return whether a message was delivered now
     */
    public boolean deliver(String accountId, String messageId, MessageKind kind, String subject, String body,
                           String code, CommandContext context) {
        return !handler.handle(Mailbox.streamId(accountId),
                new Deliver(accountId, messageId, kind, subject, body, code, clock.instant()), context).events().isEmpty();
    }

    /**
     * Puts a message into the mailbox of every administrator account that is not archived, as the accounts
     * read model knows them when the call comes in; each mailbox gets it at most once.
     *
     * @return how many mailboxes got it now
     */
    public int notifyAdmins(String messageId, MessageKind kind, String subject, String body, CommandContext context) {
        ConsistencyToken asOfNow = new ConsistencyToken(serviceName, store.headPosition());
        int delivered = 0;
        for (String admin : profiles.administrators(asOfNow)) {
            if (deliver(admin, messageId, kind, subject, body, "", context)) {
                delivered++;
            }
        }
        return delivered;
    }

    /** A page of the account's messages, newest first; {@code page} from 0. */
    public List<Message> messages(String accountId, int page, int size, @Nullable ConsistencyToken consistencyToken) {
        return projections.read(MessagesProjection.NAME, consistencyToken, tables -> jdbc.query(tables.sql(
                        "SELECT message_id, kind, subject, body, code, delivered_at FROM {messages}"
                                + " WHERE account_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?"),
                (rs, row) -> new Message(rs.getString(1), MessageKind.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5).isEmpty() ? null : rs.getString(5),
                        Instant.parse(rs.getString(6))),
                accountId, size, (long) page * size));
    }
}
