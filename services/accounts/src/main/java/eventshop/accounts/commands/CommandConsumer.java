package eventshop.accounts.commands;

import eventshop.accounts.Accounts;
import eventshop.accounts.domain.Account;
import eventshop.accounts.domain.AccountErrors.AccountNotFound;
import eventshop.accounts.domain.AccountErrors.IllegalAccountTransition;
import eventshop.accounts.mailbox.Mailboxes;
import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.NotifyAdmins;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The commands the functions send on {@code accounts.commands} (binding {@code accountCommands-in-0}, group
 * {@code accounts}), named by the {@code event-type} header, the record's JSON as payload, the command id in
 * {@code event-id}:
 *
 * <ul>
 *   <li>{@code ActivateAccount}: a CONFIRMED account becomes ACTIVE. An active account stays as it is (a
 *       repeat). A suspended or archived account is left alone: it went past activation (a suspended one was
 *       active before), and a late activation must not undo an administrator's decision. A PENDING account
 *       was never confirmed, so the command is not the answer to an {@code AccountConfirmed}: left alone too.
 *       Those, and an unknown account, are logged and dropped, not parked: nothing is wrong with the message.
 *   <li>{@code DeliverMessage}: into the account's mailbox; the same message id again delivers nothing.
 *   <li>{@code NotifyAdmins}: into the mailbox of every administrator account that is not archived; at most
 *       once per message id per administrator.
 * </ul>
 *
 * A command id seen before is skipped ({@link ExactlyOnce}); since the effects append to the event store,
 * not to the database the skip is recorded in, a command can be applied again after a crash between the
 * two, and the deciders make that change nothing (an active account stays active, a message id is delivered
 * once). A message that is not a valid command ({@link MalformedMessage}, or a message the mailbox refuses)
 * is parked at once, not retried.
 */
@Configuration(proxyBeanMethods = false)
public class CommandConsumer {

    /** The name processed commands are recorded under. */
    public static final String CONSUMER = "accounts-commands";

    private static final Logger LOG = LoggerFactory.getLogger(CommandConsumer.class);
    private static final JsonEventCodec<AccountCommand> CODEC = JsonEventCodec.of(AccountCommand.class);

    @Bean
    public Consumer<Message<byte[]>> accountCommands(ExactlyOnce exactlyOnce, Accounts accounts, Mailboxes mailboxes) {
        return exactlyOnce.consumer(CONSUMER, message -> handle(message, accounts, mailboxes));
    }

    static void handle(IncomingEvent message, Accounts accounts, Mailboxes mailboxes) {
        switch (message.decode(CODEC)) {
            case ActivateAccount activate -> activate(activate, message, accounts);
            case DeliverMessage deliver -> {
                accountId(deliver.accountId(), message);
                if (accounts.state(deliver.accountId()) instanceof Account.Unregistered) {
                    LOG.warn("{} for account {}, which does not exist: dropped", message.type(), deliver.accountId());
                    return;
                }
                mailboxes.deliver(deliver.accountId(), deliver.messageId(), deliver.kind(), deliver.subject(),
                        deliver.body(), deliver.code(), message.causedContext());
            }
            case NotifyAdmins notify -> {
                int delivered = mailboxes.notifyAdmins(notify.messageId(), notify.kind(), notify.subject(),
                        notify.body(), message.causedContext());
                LOG.debug("{} {} delivered to {} administrators", message.type(), notify.messageId(), delivered);
            }
        }
    }

    private static void activate(ActivateAccount activate, IncomingEvent message, Accounts accounts) {
        accountId(activate.accountId(), message);
        try {
            accounts.handle(activate.accountId(), new Account.Activate(), message.causedContext());
        } catch (IllegalAccountTransition | AccountNotFound refused) {
            LOG.warn("ActivateAccount {} for account {} left it as it is: {}", message.eventId(),
                    activate.accountId(), refused.getMessage());
        }
    }

    private static void accountId(String accountId, IncomingEvent message) {
        if (!Accounts.isAccountId(accountId)) {
            throw new MalformedMessage("not an account id in " + message + ": " + accountId);
        }
    }
}
