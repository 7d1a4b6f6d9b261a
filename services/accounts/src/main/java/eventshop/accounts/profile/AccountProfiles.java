package eventshop.accounts.profile;

import eventshop.accounts.domain.AccountStatus;
import eventshop.contracts.Address;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.Tables;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Queries on the accounts read model ({@link AccountProfilesProjection}); each waits for the
 * request's {@code Consistency-Token}, if it has one. They present personal data, so they open it: a forgotten
 * account's shows {@value Sealing#ERASED}.
 */
@Component
public class AccountProfiles {

    /** An account as its owner (and administrators) see it. {@code addresses} has at most one. */
    public record Profile(String accountId, String email, String name, AccountStatus status, String role,
                          List<Address> addresses, List<Card> cards) {
    }

    public record Card(String cardToken, String brand, String last4, int expMonth, int expYear) {
    }

    /** One line of the administrators' list. */
    public record Summary(String accountId, String email, String name, AccountStatus status, String role) {
    }

    public record Page(List<Summary> items, int page, int size, long total) {
    }

    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final Sealing sealing;

    public AccountProfiles(Projections projections, JdbcTemplate jdbc, Sealing sealing) {
        this.projections = projections;
        this.jdbc = jdbc;
        this.sealing = sealing;
    }

    public Optional<Profile> profile(String accountId, @Nullable ConsistencyToken consistencyToken) {
        return projections.read(AccountProfilesProjection.NAME, consistencyToken, tables -> profile(accountId, tables));
    }

    /** Accounts in the order they registered; {@code page} from 0. */
    public Page list(int page, int size, @Nullable ConsistencyToken consistencyToken) {
        return projections.read(AccountProfilesProjection.NAME, consistencyToken, tables -> {
            List<Summary> items = jdbc.query(tables.sql("SELECT account_id, email, name, status, role FROM {accounts}"
                            + " ORDER BY seq LIMIT ? OFFSET ?"),
                    (rs, row) -> new Summary(rs.getString(1), sealing.open(rs.getString(2)), sealing.open(rs.getString(3)),
                            AccountStatus.valueOf(rs.getString(4)).shown(), rs.getString(5)),
                    size, (long) page * size);
            Long total = jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {accounts}"), Long.class);
            return new Page(items, page, size, total == null ? 0 : total);
        });
    }

    /** The ids of the administrator accounts that are not archived (alert recipients), oldest first. */
    public List<String> administrators(@Nullable ConsistencyToken consistencyToken) {
        return projections.read(AccountProfilesProjection.NAME, consistencyToken, tables -> jdbc.queryForList(
                tables.sql("SELECT account_id FROM {accounts} WHERE role = ? AND status <> ? ORDER BY seq"),
                String.class, EdgeToken.ADMIN, AccountStatus.ARCHIVED.name()));
    }

    private Optional<Profile> profile(String accountId, Tables tables) {
        List<Profile> found = jdbc.query(tables.sql("SELECT account_id, email, name, status, role, address_name,"
                        + " address_line1, address_line2, address_city, address_postal_code, address_country"
                        + " FROM {accounts} WHERE account_id = ?"),
                (rs, row) -> new Profile(rs.getString(1), sealing.open(rs.getString(2)), sealing.open(rs.getString(3)),
                        AccountStatus.valueOf(rs.getString(4)).shown(), rs.getString(5),
                        rs.getString(7) == null ? List.of() : List.of(sealing.open(new Address(rs.getString(6),
                                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                rs.getString(11)))),
                        List.of()),
                accountId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<Card> cards = jdbc.query(tables.sql("SELECT card_token, brand, last4, exp_month, exp_year"
                        + " FROM {account_cards} WHERE account_id = ? ORDER BY seq"),
                (rs, row) -> new Card(rs.getString(1), sealing.open(rs.getString(2)), sealing.open(rs.getString(3)),
                        rs.getInt(4), rs.getInt(5)),
                accountId);
        Profile account = found.getFirst();
        return Optional.of(new Profile(account.accountId(), account.email(), account.name(), account.status(),
                account.role(), account.addresses(), cards));
    }
}
