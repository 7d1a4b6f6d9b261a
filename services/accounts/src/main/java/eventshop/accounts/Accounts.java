package eventshop.accounts;

import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.Account.Command;
import eventshop.accounts.domain.Account.State;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.resources.EventLog;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** Commands on account streams, as the use cases (registration, profile, administration) issue them. */
@Component
public class Accounts {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final CommandHandler<Command, AccountEvent, State> handler;
    private final CommandContexts contexts;
    private final EventLog eventLog;

    public Accounts(CommandHandler<Command, AccountEvent, State> accountHandler, CommandContexts contexts,
                    EventLog eventLog) {
        this.handler = accountHandler;
        this.contexts = contexts;
        this.eventLog = eventLog;
    }

    /**
     * The account's event log from {@code fromVersion}, at most {@code limit} events: the {@code Account} stream
     * (its lifecycle, address and cards; never its credentials, which are a stream of their own).
     *
     * @throws AccountNotFound for an account that does not exist
     */
    public List<EventLog.Entry> events(String accountId, long fromVersion, int limit) {
        if (state(accountId) instanceof Account.Unregistered) {
            throw new AccountNotFound();
        }
        return eventLog.read(Account.streamId(accountId), fromVersion, limit);
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
     * {@link Account.ConfirmByAdmin}): records {@code AccountConfirmed} and nothing more. Activation is
     * not this service's decision: the account-lifecycle function answers the published
     * {@code AccountConfirmed} with {@code ActivateAccount} on {@code accounts.commands}
     * ({@code commands.CommandConsumer}). Confirming a confirmed account changes nothing.
     */
    public CommandResult<AccountEvent> confirm(String accountId, Command confirm, String actingUser) {
        return handle(accountId, confirm, actingUser);
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
