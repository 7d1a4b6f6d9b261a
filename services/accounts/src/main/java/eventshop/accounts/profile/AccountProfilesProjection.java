package eventshop.accounts.profile;

import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountStatus;
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
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The read model of accounts (profile, status, address, cards) for {@code GET /api/accounts/me} and
 * the administrators' list, folded from the account streams of this service's log. Holds no
 * password hash: those are in the separate {@code credentials} read model. Personal columns hold what the events
 * hold: sealed values (clear ones from before sealing); {@link AccountProfiles} opens them.
 */
@Component
public class AccountProfilesProjection extends StreamProjection<AccountEvent> {

    public static final String NAME = "accounts";
    /** A column holding a sealed value (docs/privacy.md): room for 254 UTF-8 characters sealed. */
    static final String SEALED = "VARCHAR(1500)";

    public AccountProfilesProjection() {
        super(NAME, Account.streamId(""), JsonEventCodec.of(AccountEvent.class), List.of("accounts", "account_cards"),
                "CREATE TABLE {accounts} (account_id VARCHAR(64) PRIMARY KEY, seq BIGINT NOT NULL,"
                        + " email " + SEALED + " NOT NULL, name " + SEALED + " NOT NULL, role VARCHAR(16) NOT NULL,"
                        + " status VARCHAR(16) NOT NULL, address_name " + SEALED + ", address_line1 " + SEALED + ","
                        + " address_line2 " + SEALED + ", address_city " + SEALED + ", address_postal_code " + SEALED
                        + ", address_country " + SEALED + ", forgotten BOOLEAN DEFAULT FALSE NOT NULL)",
                "CREATE INDEX {accounts}_by_seq ON {accounts} (seq)",
                "CREATE TABLE {account_cards} (account_id VARCHAR(64) NOT NULL,"
                        + " card_token VARCHAR(64) NOT NULL, seq BIGINT NOT NULL, brand " + SEALED + " NOT NULL,"
                        + " last4 " + SEALED + " NOT NULL, exp_month INT NOT NULL, exp_year INT NOT NULL,"
                        + " PRIMARY KEY (account_id, card_token))");
    }

    /**
     * 2: personal columns hold sealed values (wider), and {@code forgotten}. A forgotten account keeps its row (an
     * administrator sees it, erased) but loses its address and cards.
     */
    @Override
    public int version() {
        return 2;
    }

    /** Folds the account streams; e-mail claims, credentials and mailboxes are passed over. */
    @Override
    protected void on(AccountEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        switch (event) {
            case AccountRegistered registered -> jdbc.update(tables.sql("INSERT INTO {accounts}"
                            + " (account_id, seq, email, name, role, status) VALUES (?, ?, ?, ?, ?, ?)"),
                    registered.accountId(), recorded.position(), registered.email(), registered.name(),
                    registered.role(), AccountStatus.PENDING.name());
            case AccountConfirmed confirmed -> status(confirmed.accountId(), AccountStatus.CONFIRMED, tables, jdbc);
            case AccountActivated activated -> status(activated.accountId(), AccountStatus.ACTIVE, tables, jdbc);
            case AccountSuspended suspended -> status(suspended.accountId(), AccountStatus.SUSPENDED, tables, jdbc);
            case AccountReactivated reactivated ->
                    status(reactivated.accountId(), AccountStatus.reactivatedTo(reactivated), tables, jdbc);
            case AccountArchived archived -> status(archived.accountId(), AccountStatus.ARCHIVED, tables, jdbc);
            case AccountForgotten forgotten -> {
                jdbc.update(tables.sql("UPDATE {accounts} SET status = ?, forgotten = TRUE, address_name = NULL,"
                        + " address_line1 = NULL, address_line2 = NULL, address_city = NULL,"
                        + " address_postal_code = NULL, address_country = NULL WHERE account_id = ?"),
                        AccountStatus.ARCHIVED.name(), forgotten.accountId());
                jdbc.update(tables.sql("DELETE FROM {account_cards} WHERE account_id = ?"), forgotten.accountId());
            }
            case AddressChanged changed -> jdbc.update(tables.sql("UPDATE {accounts} SET address_name = ?,"
                            + " address_line1 = ?, address_line2 = ?, address_city = ?, address_postal_code = ?,"
                            + " address_country = ? WHERE account_id = ?"),
                    changed.address().name(), changed.address().line1(), changed.address().line2(),
                    changed.address().city(), changed.address().postalCode(), changed.address().country(),
                    changed.accountId());
            case CardSaved saved -> jdbc.update(tables.sql("INSERT INTO {account_cards}"
                            + " (account_id, card_token, seq, brand, last4, exp_month, exp_year)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)"),
                    saved.accountId(), saved.cardToken(), recorded.position(), saved.brand(), saved.last4(),
                    saved.expMonth(), saved.expYear());
            case CardRemoved removed -> jdbc.update(tables.sql("DELETE FROM {account_cards}"
                    + " WHERE account_id = ? AND card_token = ?"), removed.accountId(), removed.cardToken());
        }
    }

    private static void status(String accountId, AccountStatus status, Tables tables, JdbcTemplate jdbc) {
        jdbc.update(tables.sql("UPDATE {accounts} SET status = ? WHERE account_id = ?"), status.name(), accountId);
    }
}
