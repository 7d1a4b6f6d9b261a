package eventshop.edge.sessions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The server-side sessions behind edge's session tokens, kept by Spring Session (JDBC) in edge's own
 * database and indexed by account id (the principal name). Login opens one and the token names it
 * ({@code sid}); every request with a bearer token asks {@link #isLive} (one look-up by the session id's
 * unique index, plus an update of the last access at most every {@link #touchEvery} per session); logout
 * ends one; suspending or archiving an account ends all of the account's sessions ({@link #endAll}).
 * Sessions also end when idle for longer than their max inactive interval ({@code spring.session.timeout}),
 * and their token stops working at its absolute expiry whatever the session does.
 *
 * <p><b>A login racing an ending.</b> A login checks the credentials at accounts, then opens a session. A
 * suspension that lands between the two (accounts answered the login before it saw the suspension; edge
 * ended the account's sessions before the new one existed) would leave a live session behind. So every
 * ending takes the next number of a counter ({@code EDGE_SESSION_ENDINGS_COUNT}, incremented under its row
 * lock, so marks are given in commit order) and records it per account before it deletes the sessions, and
 * a login reads the counter before it checks the credentials ({@link #mark}). After opening its session
 * the login looks for an ending of the account with a later mark: one that committed meanwhile refuses the
 * login ({@link AccountSessionsEnded}, the session deleted again); one that commits later deletes the
 * session itself, since it deletes after it commits and the session was saved before that look. An ending
 * with an earlier mark was visible to accounts before the credentials were checked, so accounts decided.
 *
 * <p><b>An ending learned late.</b> An ending from {@code accounts.events} may arrive after the account was
 * reactivated and its customer logged in again. Each session keeps the version of the account stream its
 * login was checked at; such an ending names the version of the suspension or archiving, and ends (and
 * refuses) only sessions checked before it. An ending edge makes itself, as it passes the administrator's
 * command on, names no version and ends every session of the account.
 *
 * <p>Thread-safe; all state is in the database, shared by every edge instance.
 */
public final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    /** Why an account's sessions were ended. */
    public enum Ending {
        SUSPENDED, ARCHIVED
    }

    /** The account's sessions were ended after this login began: it must not open one. */
    public static final class AccountSessionsEnded extends RuntimeException {
        private final Ending ending;

        AccountSessionsEnded(Ending ending) {
            super("the account was " + ending.name().toLowerCase() + " while logging in", null, false, false);
            this.ending = ending;
        }

        public Ending ending() {
            return ending;
        }
    }

    /** The session attribute holding the version of the account stream the login was checked at. */
    static final String ACCOUNT_VERSION = "eventshop.accountVersion";

    private final FindByIndexNameSessionRepository<? extends Session> repository;
    private final JdbcTemplate jdbc;
    private final TransactionOperations transactions;
    private final Clock clock;

    public Sessions(FindByIndexNameSessionRepository<? extends Session> repository, JdbcTemplate jdbc,
                    TransactionOperations transactions, Clock clock) {
        this.repository = repository;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The current ending mark; a login takes it before it checks the credentials and hands it to {@link #open}. */
    public long mark() {
        Long mark = jdbc.queryForObject("SELECT MARK FROM EDGE_SESSION_ENDINGS_COUNT WHERE ID = 1", Long.class);
        return mark == null ? 0 : mark;
    }

    /**
     * Opens a session for {@code accountId}, whose credentials were checked after {@code mark} was taken, at
     * version {@code accountVersion} of the account's stream (null if unknown: any ending ends it).
     *
     * @return the session id, for the token's {@code sid}
     * @throws AccountSessionsEnded if the account's sessions were ended since {@code mark}, by an ending that
     *                              applies to a login checked at {@code accountVersion}
     */
    public String open(String accountId, long mark, @Nullable Long accountVersion) {
        String sessionId = create(repository, accountId, accountVersion);
        Optional<Ending> endedSince = jdbc.query(
                "SELECT REASON FROM EDGE_SESSION_ENDINGS WHERE ACCOUNT_ID = ? AND MARK > ?"
                        + " AND (ACCOUNT_VERSION IS NULL OR ACCOUNT_VERSION > ?)",
                (rs, n) -> Ending.valueOf(rs.getString(1)), accountId, mark,
                accountVersion == null ? -1L : accountVersion).stream().findFirst();
        if (endedSince.isPresent()) {
            repository.deleteById(sessionId);
            throw new AccountSessionsEnded(endedSince.get());
        }
        return sessionId;
    }

    private <S extends Session> String create(FindByIndexNameSessionRepository<S> sessions, String accountId,
                                              @Nullable Long accountVersion) {
        S session = sessions.createSession();
        Instant now = clock.instant();
        session.setLastAccessedTime(now);
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, accountId);
        if (accountVersion != null) {
            session.setAttribute(ACCOUNT_VERSION, accountVersion);
        }
        sessions.save(session);
        return session.getId();
    }

    /**
     * Whether the session exists, belongs to {@code accountId} and has not been idle for longer than its max
     * inactive interval (an idle one is deleted now). Records the access when the last one is more than a
     * tenth of the interval ago, so a session in use does not expire and a request costs a single look-up.
     */
    public boolean isLive(String sessionId, String accountId) {
        return isLive(repository, sessionId, accountId);
    }

    private <S extends Session> boolean isLive(FindByIndexNameSessionRepository<S> sessions, String sessionId,
                                               String accountId) {
        if (sessionId == null || sessionId.length() > 100) {
            return false;
        }
        S session = sessions.findById(sessionId);
        if (session == null) {
            return false;
        }
        if (!accountId.equals(session.getAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME))) {
            LOG.warn("a session token named session {} of another account", sessionId);
            return false;
        }
        Instant now = clock.instant();
        Duration idle = Duration.between(session.getLastAccessedTime(), now);
        if (idle.compareTo(session.getMaxInactiveInterval()) > 0) {
            sessions.deleteById(sessionId);
            return false;
        }
        if (idle.compareTo(touchEvery(session.getMaxInactiveInterval())) >= 0) {
            session.setLastAccessedTime(now);
            sessions.save(session);
        }
        return true;
    }

    /** How stale a session's last access may get before a request records a new one. */
    static Duration touchEvery(Duration maxInactiveInterval) {
        return maxInactiveInterval.dividedBy(10);
    }

    /** Ends one session (logout); false if there was none. */
    public boolean end(String sessionId) {
        if (sessionId == null || repository.findById(sessionId) == null) {
            return false;
        }
        repository.deleteById(sessionId);
        return true;
    }

    /**
     * Ends every session of the account, and keeps a login that checked the credentials before this call
     * from opening a new one: the ending edge makes as it passes an administrator's command on.
     *
     * @return how many sessions were ended
     */
    public int endAll(String accountId, Ending ending) {
        return end(accountId, ending, null);
    }

    /**
     * Ends the sessions of the account whose login was checked before version {@code accountVersion} of its
     * stream (the suspension's or archiving's, learned from {@code accounts.events}), and keeps a login
     * checked before it from opening a new one. Sessions of a login checked at or after that version (the
     * account was reactivated since) are kept.
     *
     * @return how many sessions were ended
     */
    public int endBefore(String accountId, Ending ending, long accountVersion) {
        return end(accountId, ending, accountVersion);
    }

    private int end(String accountId, Ending ending, @Nullable Long accountVersion) {
        transactions.executeWithoutResult(status -> {
            jdbc.update("UPDATE EDGE_SESSION_ENDINGS_COUNT SET MARK = MARK + 1 WHERE ID = 1");
            Long mark = jdbc.queryForObject("SELECT MARK FROM EDGE_SESSION_ENDINGS_COUNT WHERE ID = 1", Long.class);
            if (jdbc.update("UPDATE EDGE_SESSION_ENDINGS SET MARK = ?, REASON = ?, ACCOUNT_VERSION = ?"
                    + " WHERE ACCOUNT_ID = ?", mark, ending.name(), accountVersion, accountId) == 0) {
                jdbc.update("INSERT INTO EDGE_SESSION_ENDINGS (ACCOUNT_ID, MARK, REASON, ACCOUNT_VERSION)"
                        + " VALUES (?, ?, ?, ?)", accountId, mark, ending.name(), accountVersion);
            }
        });
        int ended = 0;
        for (Map.Entry<String, ? extends Session> session : repository.findByPrincipalName(accountId).entrySet()) {
            if (accountVersion == null || checkedBefore(session.getValue(), accountVersion)) {
                repository.deleteById(session.getKey());
                ended++;
            }
        }
        if (ended > 0) {
            LOG.info("ended {} session(s) of account {}: {}", ended, accountId, ending.name().toLowerCase());
        }
        return ended;
    }

    private static boolean checkedBefore(Session session, long accountVersion) {
        Object checkedAt = session.getAttribute(ACCOUNT_VERSION);
        return !(checkedAt instanceof Number version) || version.longValue() < accountVersion;
    }

    /** How many live sessions the account has (for tests and operations). */
    public int count(String accountId) {
        return repository.findByPrincipalName(accountId).size();
    }
}
