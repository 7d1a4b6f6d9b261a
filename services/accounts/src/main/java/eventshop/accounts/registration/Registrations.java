package eventshop.accounts.registration;

import eventshop.accounts.Accounts;
import eventshop.accounts.credentials.Passwords;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Account.Register;
import eventshop.accounts.domain.AccountErrors.AccountAlreadyRegistered;
import eventshop.accounts.domain.AccountErrors.EmailTaken;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.accounts.domain.AccountErrors.PasswordAlreadySet;
import eventshop.accounts.domain.Credentials;
import eventshop.accounts.domain.Credentials.SetInitialPassword;
import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.domain.EmailClaim;
import eventshop.accounts.domain.EmailClaim.Claim;
import eventshop.accounts.limits.ClientAddress;
import eventshop.accounts.limits.Limits;
import eventshop.accounts.privacy.EmailIndex;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventstore.EventStore;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Registers accounts with an e-mail address no other account has, in three appends to three streams:
 * <ol>
 *   <li>claim the normalized address ({@code email-b-<blind index>}, must not exist yet) for a new account id; an
 *       address claimed before the blind index existed ({@code email-<sha256>}) stays claimed;</li>
 *   <li>register the account ({@code account-<id>}, must not exist yet);</li>
 *   <li>set its first password ({@code credentials-<id>}, private, must not exist yet).</li>
 * </ol>
 * The store has no transaction across streams, so a crash can stop a registration after step 1 or
 * 2. The address is taken for good only once its claimed account has a password; until then the
 * next registration of the address finishes the unfinished one under the claimed account id (a
 * retry by the same person, typically). Steps 2 and 3 each expect their stream not to exist, so of
 * two registrations finishing the same claim at once exactly one succeeds and the other is told the
 * address is taken. Account without password (a crash after step 2) is finished only by a
 * registration with the same role: a customer never finishes an administrator's registration.
 *
 * <p>Thread-safe. The password is hashed before anything is stored; the hash goes to the private
 * credentials stream only. The e-mail address and the name are sealed for the new account before anything is stored
 * (the privacy toolkit's {@code Sealing}); only the blind index of the address names its claim stream.
 */
@Component
public class Registrations {

    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

    /** What a registration asks for; {@code role} is CUSTOMER or ADMIN. */
    public record Registration(String email, String name, String password, String role) {
        @Override
        public String toString() {
            return "Registration[name=" + name + ", role=" + role + "]";
        }
    }

    /** The registered account and where its events are in the log. */
    public record Registered(String accountId, ConsistencyToken token) {
    }

    private final Accounts accounts;
    private final CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> claims;
    private final CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentials;
    private final EventStore store;
    private final Passwords passwords;
    private final ConfirmationCodes codes;
    private final Supplier<UUID> ids;
    private final CommandContexts contexts;
    private final Limits limits;
    private final Sealing sealing;
    private final EmailIndex emailIndex;

    public Registrations(Accounts accounts,
                         CommandHandler<EmailClaim.Command, EmailClaim.Event, EmailClaim.State> emailClaimHandler,
                         CommandHandler<Credentials.Command, Credentials.Event, Credentials.State> credentialsHandler,
                         EventStore store, Passwords passwords, ConfirmationCodes codes, Supplier<UUID> ids,
                         CommandContexts contexts, Limits limits, Sealing sealing, EmailIndex emailIndex) {
        this.sealing = sealing;
        this.emailIndex = emailIndex;
        this.accounts = accounts;
        this.claims = emailClaimHandler;
        this.credentials = credentialsHandler;
        this.store = store;
        this.passwords = passwords;
        this.codes = codes;
        this.ids = ids;
        this.contexts = contexts;
        this.limits = limits;
    }

    /** Registers a PENDING account from no client address ({@link #register(Registration, String, Optional)}). */
    public Registered register(Registration registration, String actingUser) {
        return register(registration, actingUser, Optional.empty());
    }

    /**
     * Registers a PENDING account.
     *
     * @throws EmailTaken             if another account has the address (409)
     * @param clientAddress where the registration comes from, as edge saw it: counted against the address's quota
     *                      (none for the administrator bootstrap, or an administrator registering someone)
     * @throws InvalidRegistration    for a password, name or role out of bounds (422)
     * @throws eventshop.accounts.domain.AccountErrors.CommonPassword for one of the most common passwords (422)
     * @throws eventshop.accounts.limits.domain.RegistrationQuota.TooManyRegistrations over the address's quota (429)
     * @throws eventshop.accounts.domain.AccountErrors.InvalidEmail for an address that is not one (422)
     */
    public Registered register(Registration registration, String actingUser, Optional<ClientAddress> clientAddress) {
        EmailAddress email = EmailAddress.parse(registration.email());
        String password = registration.password();
        passwords.checkNew(password);
        CommandContext context = contexts.create(actingUser, null);
        clientAddress.ifPresent(client -> limits.admitRegistration(client, context));
        String hash = passwords.hash(password);

        String accountId = claim(email, ids.get().toString(), context);
        if (!exists(accountId)) {
            try {
                accounts.handle(accountId, new Register(accountId, email, registration.name(), registration.role(),
                        codes.next(), sealFor(accountId)), context);
            } catch (AccountAlreadyRegistered finishedByAnother) {
                throw new EmailTaken(accountId);
            }
        } else if (!accounts.registration(accountId).map(AccountRegistered::role).orElse("")
                .equals(registration.role())) {
            throw new EmailTaken(accountId);
        }
        try {
            ConsistencyToken token = credentials.handle(Credentials.streamId(accountId),
                    new SetInitialPassword(accountId, hash), context).token();
            LOG.info("registered account {} ({})", accountId, registration.role());
            return new Registered(accountId, token);
        } catch (PasswordAlreadySet finishedByAnother) {
            throw new EmailTaken(accountId);
        }
    }

    /** The account id the address is claimed for: a new claim, or an unfinished registration's. */
    private String claim(EmailAddress email, String newAccountId, CommandContext context) {
        try {
            if (claims.load(EmailClaim.legacyStreamId(email)).state() instanceof EmailClaim.Claimed legacy) {
                throw new EmailTaken(legacy.accountId());
            }
            claims.handle(EmailClaim.streamId(emailIndex.of(email)), new Claim(email, newAccountId,
                    sealFor(newAccountId)), context);
            return newAccountId;
        } catch (EmailTaken taken) {
            if (store.streamVersion(Credentials.streamId(taken.claimedBy())) >= 0) {
                throw taken;
            }
            LOG.info("finishing the unfinished registration of account {}", taken.claimedBy());
            return taken.claimedBy();
        }
    }

    private Account.Seal sealFor(String accountId) {
        return clear -> sealing.seal(accountId, clear);
    }

    private boolean exists(String accountId) {
        return store.streamVersion(Account.streamId(accountId)) >= 0;
    }
}
