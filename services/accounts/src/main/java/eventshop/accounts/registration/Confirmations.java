package eventshop.accounts.registration;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountErrors.ConfirmationCodeVoid;
import eventshop.accounts.domain.AccountErrors.IllegalAccountTransition;
import eventshop.accounts.domain.AccountErrors.WrongConfirmationCode;
import eventshop.accounts.domain.ConfirmationCode;
import eventshop.accounts.domain.ConfirmationCode.ConfirmationCodeRefused;
import eventshop.accounts.domain.ConfirmationCode.ConfirmationCodeVoided;
import eventshop.accounts.domain.ConfirmationCode.Issue;
import eventshop.accounts.domain.ConfirmationCode.Try;
import eventshop.accounts.limits.Limits;
import eventshop.accounts.mailbox.domain.Mailbox;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.contracts.accounts.AccountEvent.AccountRegistered;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * A customer confirming their account with the code from their mailbox, and asking for a new code. Each try is
 * decided on the account's private {@code confirmation-<accountId>} stream ({@link ConfirmationCode}) before the
 * account is confirmed: {@value ConfirmationCode#MAX_WRONG} wrong codes make the code void, and a void code is
 * refused even when right, until a new one is asked for (at most one per {@code new-code-interval}); the new code
 * is delivered to the mailbox by this service (the registration's comes from the account-lifecycle function).
 * Thread-safe.
 */
@Component
public class Confirmations {

    private final Accounts accounts;
    private final CommandHandler<ConfirmationCode.Command, ConfirmationCode.Event, ConfirmationCode.State> codes;
    private final CommandHandler<Mailbox.Command, Mailbox.Event, Mailbox.State> mailboxes;
    private final ConfirmationCodes newCodes;
    private final Limits limits;
    private final CommandContexts contexts;
    private final Supplier<UUID> ids;

    public Confirmations(Accounts accounts,
                         CommandHandler<ConfirmationCode.Command, ConfirmationCode.Event, ConfirmationCode.State> confirmationCodeHandler,
                         CommandHandler<Mailbox.Command, Mailbox.Event, Mailbox.State> mailboxHandler,
                         ConfirmationCodes newCodes, Limits limits, CommandContexts contexts, Supplier<UUID> ids) {
        this.accounts = accounts;
        this.codes = confirmationCodeHandler;
        this.mailboxes = mailboxHandler;
        this.newCodes = newCodes;
        this.limits = limits;
        this.contexts = contexts;
        this.ids = ids;
    }

    /**
     * Confirms the account with {@code code}: records {@code AccountConfirmed} (activation follows from the
     * account-lifecycle function). A confirmed account confirmed again changes nothing.
     *
     * @throws WrongConfirmationCode if the code is not the account's (recorded; the detail says how many tries are left)
     * @throws ConfirmationCodeVoid  if the code is void, or this wrong code made it void
     */
    public CommandResult<AccountEvent> confirm(String accountId, String code, String actingUser) {
        if (!(accounts.state(accountId) instanceof Account.Pending pending)) {
            return accounts.confirm(accountId, new Account.Confirm(code), actingUser);
        }
        CommandContext context = contexts.create(actingUser, null);
        CommandHandler.Decided<ConfirmationCode.Event, ConfirmationCode.State> tried = codes.decide(
                ConfirmationCode.streamId(accountId),
                state -> new Try(accountId, code, pending.confirmationCode(), limits.now()), context);
        List<ConfirmationCode.Event> events = tried.result().events();
        if (events.stream().anyMatch(ConfirmationCodeVoided.class::isInstance)) {
            throw new ConfirmationCodeVoid();
        }
        for (ConfirmationCode.Event event : events) {
            if (event instanceof ConfirmationCodeRefused refused) {
                throw new WrongConfirmationCode(ConfirmationCode.MAX_WRONG - refused.wrongCodes());
            }
        }
        return accounts.confirm(accountId,
                new Account.Confirm(code, tried.state().code(pending.confirmationCode())), actingUser);
    }

    /**
     * Issues a new confirmation code to a pending account and delivers it to the account's mailbox.
     *
     * @return where the message is in the log (a mailbox query that sends it back sees the message)
     * @throws IllegalAccountTransition if the account is not pending (confirmed, active, suspended, archived: 409)
     * @throws eventshop.accounts.domain.AccountErrors.TooManyCodeRequests if the last code is too recent (429)
     */
    public ConsistencyToken newCode(String accountId, String actingUser) {
        Account.State state = accounts.state(accountId);
        if (!(state instanceof Account.Pending)) {
            throw new IllegalAccountTransition("send a new confirmation code for", Account.status(state));
        }
        CommandContext context = contexts.create(actingUser, null);
        String code = newCodes.next();
        codes.handle(ConfirmationCode.streamId(accountId),
                new Issue(accountId, code, limits.now(), limits.newCodeInterval()), context);
        String name = accounts.registration(accountId).map(AccountRegistered::name).orElse("");
        String messageId = ids.get().toString();
        return mailboxes.handle(Mailbox.streamId(accountId), new Mailbox.Deliver(accountId, messageId,
                MessageKind.CONFIRMATION, "Your new eventshop confirmation code",
                "Hello " + name + ", here is the new confirmation code you asked for: " + code
                        + ". Codes sent before no longer work.", code, limits.now()), context).token();
    }
}
