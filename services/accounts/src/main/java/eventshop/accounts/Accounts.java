package eventshop.accounts;

import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Account.Activate;
import eventshop.accounts.domain.Account.Command;
import eventshop.accounts.domain.Account.State;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** Commands on account streams, as the use cases (registration, profile, administration) issue them. */
@Component
public class Accounts {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final CommandHandler<Command, AccountEvent, State> handler;
    private final CommandContexts contexts;

    public Accounts(CommandHandler<Command, AccountEvent, State> accountHandler, CommandContexts contexts) {
        this.handler = accountHandler;
        this.contexts = contexts;
    }

    /**
     * Handles {@code command} on the account's stream on behalf of {@code actingUser}.
     *
     * @throws AccountNotFound if {@code accountId} is not an account id at all
     */
    public CommandResult<AccountEvent> handle(String accountId, Command command, String actingUser) {
        return handle(accountId, command, contexts.create(actingUser, null));
    }

    public CommandResult<AccountEvent> handle(String accountId, Command command, CommandContext context) {
        return handler.handle(Account.streamId(checked(accountId)), command, context);
    }

    /**
     * Confirms the account ({@link Account.Confirm} with the customer's code, or
     * {@link Account.ConfirmByAdmin}), then activates it. Activating confirmed accounts is the
     * functions service's job (issue 6); until it exists, this service does it right here: two
     * commands, both recorded as their own events. A confirmed account that was not activated (a crash
     * in between) is activated by confirming again, which then changes nothing but the activation.
     */
    public CommandResult<AccountEvent> confirmAndActivate(String accountId, Command confirm, String actingUser) {
        CommandContext context = contexts.create(actingUser, null);
        handle(accountId, confirm, context);
        return handle(accountId, new Activate(), contexts.create(actingUser, context.correlationId()));
    }

    /** The account's current state (Unregistered if there is no such account). */
    public State state(String accountId) {
        if (!isAccountId(accountId)) {
            return new Account.Unregistered();
        }
        return handler.load(Account.streamId(accountId)).state();
    }

    /** How the account was registered, if it was. */
    public Optional<AccountRegistered> registration(String accountId) {
        if (!isAccountId(accountId)) {
            return Optional.empty();
        }
        return handler.events(Account.streamId(accountId)).next()
                .filter(AccountRegistered.class::isInstance).map(AccountRegistered.class::cast)
                .blockOptional();
    }

    /** Whether {@code accountId} has the form of an account id (a lower-case UUID). */
    public static boolean isAccountId(String accountId) {
        return accountId != null && ACCOUNT_ID.matcher(accountId).matches();
    }

    private static String checked(String accountId) {
        if (!isAccountId(accountId)) {
            throw new AccountNotFound();
        }
        return accountId;
    }
}
