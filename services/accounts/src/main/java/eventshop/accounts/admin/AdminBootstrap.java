package eventshop.accounts.admin;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Account.ConfirmByAdmin;
import eventshop.accounts.domain.AccountErrors.EmailTaken;
import eventshop.accounts.domain.AccountErrors.InvalidEmail;
import eventshop.accounts.domain.AccountErrors.CommonPassword;
import eventshop.accounts.domain.AccountErrors.InvalidRegistration;
import eventshop.accounts.registration.Registrations;
import eventshop.accounts.registration.Registrations.Registration;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.edgetoken.EdgeToken;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * At every start, once the context is ready: if {@code eventshop.accounts.admin.password} is set,
 * makes sure the administrator account exists and is confirmed. Like every account it is activated by
 * the account-lifecycle function ({@code ActivateAccount} on {@code accounts.commands}); a confirmed
 * administrator may log in before that. Safe to run again and again:
 * an existing administrator keeps its password (only logged), an unfinished earlier run (a crash
 * between its steps) is finished, and a suspended or archived administrator is left alone.
 */
@Component
@EnableConfigurationProperties(AdminProperties.class)
public class AdminBootstrap implements ApplicationRunner {

    /** The acting user recorded on the bootstrap's events. */
    public static final String ACTOR = "accounts-admin-bootstrap";
    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

    private final AdminProperties admin;
    private final Registrations registrations;
    private final Accounts accounts;

    public AdminBootstrap(AdminProperties admin, Registrations registrations, Accounts accounts) {
        this.admin = admin;
        this.registrations = registrations;
        this.accounts = accounts;
    }

    @Override
    public void run(ApplicationArguments args) {
        ensureAdmin();
    }

    /** The administrator's account id, if there is (now) an administrator account with that address. */
    public Optional<String> ensureAdmin() {
        if (!admin.enabled()) {
            LOG.debug("eventshop.accounts.admin.password is not set: no administrator account is ensured");
            return Optional.empty();
        }
        String accountId;
        try {
            accountId = registrations.register(
                    new Registration(admin.email(), admin.name(), admin.password(), EdgeToken.ADMIN), ACTOR,
                    Optional.empty()).accountId();
            LOG.info("created the administrator account {} for {}", accountId, admin.email());
        } catch (InvalidRegistration | InvalidEmail | CommonPassword invalid) {
            throw new IllegalStateException("eventshop.accounts.admin.*: " + invalid.getMessage(), invalid);
        } catch (EmailTaken taken) {
            accountId = taken.claimedBy();
            String role = accounts.registration(accountId).map(AccountRegistered::role).orElse("?");
            if (!EdgeToken.ADMIN.equals(role)) {
                LOG.error("{} belongs to account {} with role {}, not an administrator; it is not promoted",
                        admin.email(), accountId, role);
                return Optional.empty();
            }
            LOG.info("the administrator account {} for {} exists; its password is left as it is", accountId,
                    admin.email());
        }
        switch (accounts.state(accountId)) {
            case Account.Pending pending -> accounts.confirm(accountId, new ConfirmByAdmin(), ACTOR);
            case Account.Confirmed confirmed -> {
                // the account-lifecycle function activates it (it may log in meanwhile)
            }
            case Account.Active active -> {
            }
            case Account.Suspended suspended ->
                    LOG.warn("the administrator account {} is suspended; left as it is", accountId);
            case Account.Archived archived ->
                    LOG.warn("the administrator account {} is archived; left as it is", accountId);
            case Account.Unregistered unregistered ->
                    throw new IllegalStateException("the administrator account " + accountId + " vanished");
        }
        return Optional.of(accountId);
    }
}
