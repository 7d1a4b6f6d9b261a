package eventshop.accounts.credentials;

import eventshop.accounts.domain.AccountStatus;
import eventshop.accounts.domain.EmailAddress;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventstore.EventStore;
import eventshop.accounts.limits.ClientAddress;
import eventshop.accounts.limits.Limits;
import eventshop.accounts.limits.TooManyLoginAttempts;
import eventshop.accounts.privacy.EmailIndex;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks an e-mail address and password for edge's login against the {@code credentials} read model.
 * The check reads the model as of the log head when the request came in (waiting, bounded, for the
 * projection to get there), so an account registered or suspended a moment ago is seen as it is now.
 *
 * <p>Unknown address and wrong password give the same answer after the same work (one Argon2
 * verification), so neither the answer nor its timing tells whether an address is registered; failures are
 * limited per e-mail address, registered or not, and per client address ({@link Limits}), so the limit does not
 * tell either.
 */
@Component
public class CredentialChecks {

    /**
     * Who logged in; {@code accountVersion} is the version of the account's stream the check saw (edge keeps
     * it with the session, so a suspension it learns of later ends only sessions verified before it). {@code email}
     * and {@code name} are sealed (docs/privacy.md): edge keeps them in its sessions and tokens as they are, and a
     * service that shows them opens them.
     */
    public record Verified(String accountId, String email, String name, String role, AccountStatus status,
                           long accountVersion) {
    }

    /** The address is unknown or the password wrong (401). */
    public static final class InvalidCredentials extends DomainError {
        InvalidCredentials() {
            super(Kind.UNAUTHORIZED, "the e-mail address or the password is wrong");
        }
    }

    /** The account may not log in: suspended or archived (403 {@code account-suspended} or {@code account-archived}). */
    public static final class AccountMayNotLogIn extends DomainError {
        private final AccountStatus status;

        AccountMayNotLogIn(AccountStatus status) {
            super(Kind.FORBIDDEN, status == AccountStatus.ARCHIVED ? "account-archived" : "account-suspended",
                    "the account is " + status + " and cannot log in");
            this.status = status;
        }

        /** SUSPENDED or ARCHIVED. */
        public AccountStatus status() {
            return status;
        }
    }

    private record Row(String accountId, String email, String name, String role, AccountStatus status,
                       @Nullable String passwordHash, long accountVersion) {
    }

    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final Passwords passwords;
    private final EventStore store;
    private final String serviceName;

    private final Limits limits;

    private final EmailIndex emailIndex;

    public CredentialChecks(Projections projections, JdbcTemplate jdbc, Passwords passwords, EventStore store,
                            EventSourcingProperties properties, Limits limits, EmailIndex emailIndex) {
        this.emailIndex = emailIndex;
        this.limits = limits;
        this.projections = projections;
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.store = store;
        this.serviceName = properties.serviceName();
    }

    /**
     * The account that {@code email} and {@code password} log in to.
     *
     * @param client the client's address as edge names it: failures count against it too
     * @throws InvalidCredentials if there is no such account or the password is wrong (recorded against the
     *                             address and the client, {@link Limits})
     * @throws AccountMayNotLogIn if the password is right but the account is suspended or archived
     * @throws TooManyLoginAttempts while logins with the address or from the client are blocked (nothing is checked)
     */
    public Verified verify(String email, String password, Optional<ClientAddress> client) {
        EmailAddress address = parse(email);
        Row[] found = new Row[1];
        boolean right = limits.login(address, client, () -> {
            found[0] = address == null ? null : find(address);
            return passwords.matches(password, found[0] == null ? null : found[0].passwordHash()) && found[0] != null;
        });
        Row row = found[0];
        if (!right || row == null) {
            throw new InvalidCredentials();
        }
        if (!row.status().mayLogIn()) {
            throw new AccountMayNotLogIn(row.status().shown());
        }
        return new Verified(row.accountId(), row.email(), row.name(), row.role(), row.status().shown(),
                row.accountVersion());
    }

    private static @Nullable EmailAddress parse(String rawEmail) {
        try {
            return EmailAddress.parse(rawEmail);
        } catch (RuntimeException notAnAddress) {
            return null;
        }
    }

    private @Nullable Row find(EmailAddress address) {
        String index = emailIndex.of(address);
        String asOfNow = new ConsistencyToken(serviceName, store.headPosition()).toString();
        List<Row> rows = projections.read(CredentialsProjection.NAME, asOfNow, tables -> jdbc.query(
                tables.sql("SELECT account_id, email, name, role, status, password_hash, account_version"
                        + " FROM {credentials} WHERE email_index = ? AND password_hash IS NOT NULL AND status IS NOT NULL"),
                (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        AccountStatus.valueOf(rs.getString(5)), rs.getString(6), rs.getLong(7)),
                index));
        return rows.isEmpty() ? null : rows.getFirst();
    }
}
