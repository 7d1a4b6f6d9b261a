package eventshop.accounts.privacy;

import eventshop.accounts.Accounts;
import eventshop.accounts.credentials.Passwords;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.AccountErrors.LastAdministrator;
import eventshop.accounts.domain.AccountErrors.WrongPassword;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.domain.EmailClaim;
import eventshop.accounts.profile.AccountProfiles;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.privacy.JdbcSubjectKeys;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventstore.EventStore;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * "Forget me" and its administrator's form: crypto-shredding of an account's personal data, in this order, each step
 * idempotent so that asking again after a crash finishes the job:
 * <ol>
 *   <li>{@code AccountForgotten} on the account stream (published): the account is archived for good, cannot log in,
 *       and edge ends its sessions as it does for a suspension;</li>
 *   <li>the e-mail claim is released (both the blind-index stream and a claim made before it), so the address can
 *       register again;</li>
 *   <li>the account's key is destroyed ({@link JdbcSubjectKeys#forget}): every sealed copy of its personal data, in
 *       this service's log and read models and in every other service, opens to "erased" from now on.</li>
 * </ol>
 * The last administrator cannot be forgotten (the store would have none). Thread-safe.
 */
@Component
public class Forgetting {

    private static final Logger LOG = LoggerFactory.getLogger(Forgetting.class);

    private final Accounts accounts;
    private final CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> claims;
    private final CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentials;
    private final EventStore store;
    private final JdbcSubjectKeys keys;
    private final Sealing sealing;
    private final EmailIndex emailIndex;
    private final Passwords passwords;
    private final AccountProfiles profiles;
    private final CommandContexts contexts;

    public Forgetting(Accounts accounts,
                      CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> emailClaimHandler,
                      CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentialsHandler,
                      EventStore store, JdbcSubjectKeys keys, Sealing sealing, EmailIndex emailIndex,
                      Passwords passwords, AccountProfiles profiles, CommandContexts contexts) {
        this.accounts = accounts;
        this.claims = emailClaimHandler;
        this.credentials = credentialsHandler;
        this.store = store;
        this.keys = keys;
        this.sealing = sealing;
        this.emailIndex = emailIndex;
        this.passwords = passwords;
        this.profiles = profiles;
        this.contexts = contexts;
    }

    /**
     * The account forgets itself, proving it with its password.
     *
     * @throws WrongPassword      if {@code password} is not the account's (nothing changes)
     * @throws LastAdministrator  if it is the last administrator
     * @throws AccountNotFound    if there is no such account
     */
    public CommandResult<AccountEvent> forgetMe(String accountId, String password) {
        String hash = credentials.events(Credentials.streamId(accountId))
                .ofType(Credentials.PasswordSet.class).map(Credentials.PasswordSet::passwordHash)
                .collectList().blockOptional().flatMap(hashes -> hashes.stream().reduce((first, last) -> last))
                .orElse(null);
        if (!passwords.matches(password == null ? "" : password, hash)) {
            throw new WrongPassword();
        }
        return forget(accountId, accountId);
    }

    /**
     * Forgets the account on behalf of {@code actingUser} (an administrator, or the account itself).
     *
     * @throws LastAdministrator if it is the last administrator
     * @throws AccountNotFound   if there is no such account
     */
    public CommandResult<AccountEvent> forget(String accountId, String actingUser) {
        Optional<AccountRegistered> registered = accounts.registration(accountId);
        if (registered.isEmpty()) {
            throw new AccountNotFound();
        }
        if (EdgeToken.ADMIN.equals(registered.get().role())
                && !(accounts.state(accountId) instanceof Account.Archived)) {
            List<String> admins = profiles.administrators(null);
            if (admins.size() <= 1 && admins.contains(accountId)) {
                throw new LastAdministrator();
            }
        }
        CommandContext context = contexts.create(actingUser, null);
        CommandResult<AccountEvent> forgotten = accounts.handle(accountId, new Account.Forget(), context);
        String email = sealing.open(registered.get().email());
        if (!Sealing.ERASED.equals(email)) {
            release(EmailAddress.parse(email), accountId, context);
        }
        keys.forget(accountId);
        LOG.info("forgot account {}: its key is destroyed", accountId);
        return forgotten;
    }

    private void release(EmailAddress email, String accountId, CommandContext context) {
        claims.handle(EmailClaim.streamId(emailIndex.of(email)), new EmailClaim.Release(accountId), context);
        String legacy = EmailClaim.legacyStreamId(email);
        if (store.streamVersion(legacy) >= 0) {
            claims.handle(legacy, new EmailClaim.Release(accountId), context);
        }
    }
}
