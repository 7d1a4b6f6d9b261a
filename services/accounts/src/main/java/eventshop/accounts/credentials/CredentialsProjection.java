package eventshop.accounts.credentials;

import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountStatus;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.privacy.EmailIndex;
import eventshop.accounts.domain.Credentials.PasswordSet;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountActivated;
import eventshop.contracts.accounts.AccountEvent.AccountArchived;
import eventshop.contracts.accounts.AccountEvent.AccountConfirmed;
import eventshop.contracts.accounts.AccountEvent.AccountForgotten;
import eventshop.contracts.accounts.AccountEvent.AccountReactivated;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.contracts.accounts.AccountEvent.AccountSuspended;
import eventshop.contracts.accounts.AccountEvent.AddressChanged;
import eventshop.contracts.accounts.AccountEvent.CardRemoved;
import eventshop.contracts.accounts.AccountEvent.CardSaved;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The read model that login checks use: per account its e-mail address (sealed, and its blind index, by which logins
 * find it), name (sealed), role,
 * lifecycle status, password hash and the version of its account stream applied, from the account streams
 * and the private credentials streams. Only {@link CredentialChecks} reads it.
 */
@Component
public class CredentialsProjection extends StreamProjection<AccountEvent> {

    public static final String NAME = "credentials";
    private static final JsonEventCodec<Credentials.Event> CREDENTIAL_EVENTS = JsonEventCodec.of(Credentials.Event.class);
    private static final String CREDENTIALS_STREAM = Credentials.streamId("");

    private final Sealing sealing;
    private final EmailIndex emailIndex;

    public CredentialsProjection(Sealing sealing, EmailIndex emailIndex) {
        super(NAME, Account.streamId(""), JsonEventCodec.of(AccountEvent.class), List.of("credentials"),
                "CREATE TABLE {credentials} (account_id VARCHAR(64) PRIMARY KEY, email VARCHAR(1500),"
                        + " email_index VARCHAR(64), name VARCHAR(1500), role VARCHAR(16), status VARCHAR(16),"
                        + " password_hash VARCHAR(255), account_version BIGINT)",
                "CREATE INDEX {credentials}_by_email_index ON {credentials} (email_index)");
        this.sealing = sealing;
        this.emailIndex = emailIndex;
    }

    /**
     * 2: the account stream's version ({@code account_version}), which a login reports to edge. 3: the address is
     * found by its blind index ({@code email_index}); {@code email} and {@code name} hold sealed values; a forgotten
     * account's row is deleted.
     */
    @Override
    public int version() {
        return 3;
    }

    /** The private credentials streams here, the account streams through the base; the rest is passed over. */
    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        if (event.streamId().startsWith(CREDENTIALS_STREAM)) {
            switch (CREDENTIAL_EVENTS.decode(event)) {
                case PasswordSet set -> upsert(set.accountId(), "password_hash = ?",
                        "INSERT INTO {credentials} (account_id, password_hash) VALUES (?, ?)", set.passwordHash(),
                        tables, jdbc);
            }
        } else {
            super.apply(event, tables, jdbc);
        }
    }

    @Override
    protected void on(AccountEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        switch (event) {
            case AccountRegistered registered -> {
                String index = index(registered.email());
                int updated = jdbc.update(tables.sql("UPDATE {credentials} SET email = ?, email_index = ?, name = ?,"
                                + " role = ?, status = ? WHERE account_id = ?"), registered.email(), index,
                        registered.name(), registered.role(), AccountStatus.PENDING.name(), registered.accountId());
                if (updated == 0) {
                    jdbc.update(tables.sql("INSERT INTO {credentials} (account_id, email, email_index, name, role,"
                                    + " status) VALUES (?, ?, ?, ?, ?, ?)"), registered.accountId(), registered.email(),
                            index, registered.name(), registered.role(), AccountStatus.PENDING.name());
                }
            }
            case AccountForgotten forgotten -> {
                jdbc.update(tables.sql("DELETE FROM {credentials} WHERE account_id = ?"), forgotten.accountId());
                return;
            }
            case AccountConfirmed confirmed -> status(confirmed.accountId(), AccountStatus.CONFIRMED, tables, jdbc);
            case AccountActivated activated -> status(activated.accountId(), AccountStatus.ACTIVE, tables, jdbc);
            case AccountSuspended suspended -> status(suspended.accountId(), AccountStatus.SUSPENDED, tables, jdbc);
            case AccountReactivated reactivated ->
                    status(reactivated.accountId(), AccountStatus.reactivatedTo(reactivated), tables, jdbc);
            case AccountArchived archived -> status(archived.accountId(), AccountStatus.ARCHIVED, tables, jdbc);
            case AddressChanged changed -> {
            }
            case CardSaved saved -> {
            }
            case CardRemoved removed -> {
            }
        }
        jdbc.update(tables.sql("UPDATE {credentials} SET account_version = ? WHERE account_id = ?"), recorded.version(),
                event.accountId());
    }

    /** The blind index of a registered address (sealed, or clear in events from before sealing); null once erased. */
    private @Nullable String index(String email) {
        String clear = sealing.open(email);
        if (Sealing.ERASED.equals(clear)) {
            return null;
        }
        try {
            return emailIndex.of(EmailAddress.parse(clear));
        } catch (RuntimeException notAnAddress) {
            return null;
        }
    }

    private static void status(String accountId, AccountStatus status, Tables tables, JdbcTemplate jdbc) {
        jdbc.update(tables.sql("UPDATE {credentials} SET status = ? WHERE account_id = ?"), status.name(), accountId);
    }

    private static void upsert(String accountId, String set, String insert, Object value, Tables tables,
                               JdbcTemplate jdbc) {
        if (jdbc.update(tables.sql("UPDATE {credentials} SET " + set + " WHERE account_id = ?"), value, accountId) == 0) {
            jdbc.update(tables.sql(insert), accountId, value);
        }
    }
}
