package eventshop.accounts.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.accounts.Accounts;
import eventshop.accounts.AccountsTest;
import eventshop.accounts.Commands;
import eventshop.accounts.domain.Account;
import eventshop.accounts.mailbox.Mailboxes;
import eventshop.accounts.mailbox.Mailboxes.Message;
import eventshop.accounts.mailbox.domain.Mailbox;
import eventshop.accounts.mailbox.domain.Mailbox.InvalidMessage;
import eventshop.accounts.registration.Registrations;
import eventshop.accounts.registration.Registrations.Registration;
import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.accounts.AccountCommand.NotifyAdmins;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventsourcing.relay.RelayRoutes.Route;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;

/** The consumer of accounts.commands, handed messages as the Kafka binder would hand them over. */
@AccountsTest
class CommandConsumerTest {

    @Autowired
    @Qualifier("accountCommands")
    Consumer<org.springframework.messaging.Message<byte[]>> accountCommands;
    @Autowired
    Registrations registrations;
    @Autowired
    Accounts accounts;
    @Autowired
    Mailboxes mailboxes;
    @Autowired
    EventStore store;
    @Autowired
    RelayRoutes routes;
    @Value("${eventshop.relay.private-types}")
    String privateTypes;

    String registered(String role) {
        return registrations.register(new Registration("cmd-" + UUID.randomUUID() + "@example.com", "Someone",
                "a-password-1", role), "test").accountId();
    }

    String confirmed() {
        String id = registered(EdgeToken.CUSTOMER);
        accounts.confirm(id, new Account.ConfirmByAdmin(), "test");
        return id;
    }

    void send(UUID commandId, eventshop.contracts.accounts.AccountCommand command) {
        accountCommands.accept(Commands.message(commandId, command));
    }

    List<String> types(String streamId) {
        return store.read(streamId, 0).map(RecordedEvent::type).collectList().block();
    }

    List<Message> mailbox(String accountId) {
        return mailboxes.messages(accountId, 0, 100, new ConsistencyToken("accounts", store.headPosition()));
    }

    @Nested
    class Activating {

        @Test
        void a_confirmed_account_becomes_active_caused_by_the_command() {
            String id = confirmed();
            UUID command = UUID.randomUUID();

            send(command, new ActivateAccount(id));

            assertThat(accounts.state(id)).isInstanceOf(Account.Active.class);
            List<RecordedEvent> events = store.read(Account.streamId(id), 0).collectList().block();
            assertThat(events).extracting(RecordedEvent::type)
                    .containsExactly("AccountRegistered", "AccountConfirmed", "AccountActivated");
            assertThat(events.getLast().metadata().causationId()).isEqualTo(command.toString());
            assertThat(events.getLast().metadata().correlationId()).isEqualTo("conversation-42");
        }

        @Test
        void redelivered_or_repeated_it_activates_once() {
            String id = confirmed();
            UUID command = UUID.randomUUID();

            send(command, new ActivateAccount(id));
            send(command, new ActivateAccount(id));              // the same message again
            send(UUID.randomUUID(), new ActivateAccount(id));    // the function ran twice

            assertThat(types(Account.streamId(id)))
                    .containsExactly("AccountRegistered", "AccountConfirmed", "AccountActivated");
        }

        @Test
        void a_pending_suspended_archived_or_unknown_account_is_left_as_it_is_and_the_message_is_not_parked() {
            String pending = registered(EdgeToken.CUSTOMER);
            String suspended = confirmed();
            send(UUID.randomUUID(), new ActivateAccount(suspended));
            accounts.handle(suspended, new Account.Suspend("fraud"), "admin");
            String archived = confirmed();
            accounts.handle(archived, new Account.Archive(), "admin");
            long head = store.headPosition();

            send(UUID.randomUUID(), new ActivateAccount(pending));
            send(UUID.randomUUID(), new ActivateAccount(suspended));
            send(UUID.randomUUID(), new ActivateAccount(archived));
            send(UUID.randomUUID(), new ActivateAccount(UUID.randomUUID().toString()));

            assertThat(store.headPosition()).isEqualTo(head);
            assertThat(accounts.state(pending)).isInstanceOf(Account.Pending.class);
            assertThat(accounts.state(suspended)).isInstanceOf(Account.Suspended.class);
            assertThat(accounts.state(archived)).isInstanceOf(Account.Archived.class);
        }
    }

    @Nested
    class Delivering {

        @Test
        void a_message_lands_in_the_mailbox_once_however_often_it_comes() {
            String id = registered(EdgeToken.CUSTOMER);
            DeliverMessage deliver = new DeliverMessage(id, "confirmation-" + id, MessageKind.CONFIRMATION,
                    "Confirm your account", "Your code is 123456", "123456");
            UUID command = UUID.randomUUID();

            send(command, deliver);
            send(command, deliver);                 // redelivered
            send(UUID.randomUUID(), deliver);       // the same message id in another command

            assertThat(types(Mailbox.streamId(id))).containsExactly("MessageDelivered");
            // the mailbox is private: the relay skips it, and publishes the account's own events
            assertThat(routes.route(store.read(Mailbox.streamId(id), 0).blockFirst())).isEqualTo(Route.skip());
            assertThat(routes.route(store.read(Account.streamId(id), 0).blockFirst())).isEqualTo(Route.events());
            assertThat(privateTypes.split(",")).contains("MessageDelivered");
            List<Message> messages = mailbox(id);
            assertThat(messages).hasSize(1);
            Message message = messages.getFirst();
            assertThat(message.id()).isEqualTo("confirmation-" + id);
            assertThat(message.kind()).isEqualTo(MessageKind.CONFIRMATION);
            assertThat(message.subject()).isEqualTo("Confirm your account");
            assertThat(message.body()).isEqualTo("Your code is 123456");
            assertThat(message.code()).isEqualTo("123456");
            assertThat(message.at()).isNotNull();
        }

        @Test
        void messages_come_newest_first_and_a_message_without_a_code_has_none() {
            String id = registered(EdgeToken.CUSTOMER);
            send(UUID.randomUUID(), new DeliverMessage(id, "m-1", MessageKind.ORDER_CONFIRMED, "Confirmed", "b", ""));
            send(UUID.randomUUID(), new DeliverMessage(id, "m-2", MessageKind.ORDER_SHIPPED, "Shipped", "b", ""));

            assertThat(mailbox(id)).extracting(Message::id).containsExactly("m-2", "m-1");
            assertThat(mailbox(id)).extracting(Message::code).containsOnlyNulls();
        }

        @Test
        void to_an_unknown_account_nothing_is_delivered() {
            String ghost = UUID.randomUUID().toString();
            send(UUID.randomUUID(), new DeliverMessage(ghost, "m-1", MessageKind.ORDER_CONFIRMED, "s", "b", ""));
            assertThat(store.streamVersion(Mailbox.streamId(ghost))).isEqualTo(-1);
        }
    }

    @Nested
    class NotifyingAdmins {

        @Test
        void every_administrator_that_is_not_archived_gets_it_once() {
            String first = registered(EdgeToken.ADMIN);
            String second = registered(EdgeToken.ADMIN);
            String archived = registered(EdgeToken.ADMIN);
            accounts.handle(archived, new Account.Archive(), "admin");
            String customer = registered(EdgeToken.CUSTOMER);
            String messageId = "low-stock-" + UUID.randomUUID();
            NotifyAdmins notify = new NotifyAdmins(messageId, MessageKind.LOW_STOCK, "Low stock: SKU-1",
                    "4 left");
            UUID command = UUID.randomUUID();

            send(command, notify);
            send(command, notify);
            send(UUID.randomUUID(), notify);

            for (String admin : List.of(first, second)) {
                assertThat(mailbox(admin)).extracting(Message::id).containsExactly(messageId);
                assertThat(types(Mailbox.streamId(admin))).containsExactly("MessageDelivered");
            }
            assertThat(mailbox(archived)).isEmpty();
            assertThat(mailbox(customer)).isEmpty();
        }
    }

    @Nested
    class Malformed {

        @Test
        void messages_no_retry_can_fix_fail_at_once_and_store_nothing() {
            long head = store.headPosition();
            assertThatThrownBy(() -> accountCommands.accept(Commands.message(UUID.randomUUID(), "DeleteAccount",
                    "{}".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MalformedMessage.class);
            assertThatThrownBy(() -> accountCommands.accept(Commands.message(UUID.randomUUID(), "ActivateAccount",
                    "not json".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MalformedMessage.class);
            assertThatThrownBy(() -> send(UUID.randomUUID(), new ActivateAccount("../etc")))
                    .isInstanceOf(MalformedMessage.class);
            assertThatThrownBy(() -> send(UUID.randomUUID(), new DeliverMessage(null, "m", MessageKind.LOW_STOCK,
                    "s", "b", ""))).isInstanceOf(MalformedMessage.class);
            String id = registered(EdgeToken.CUSTOMER);
            long registeredHead = store.headPosition();
            assertThatThrownBy(() -> send(UUID.randomUUID(), new DeliverMessage(id, "", MessageKind.LOW_STOCK,
                    "s", "b", ""))).isInstanceOf(InvalidMessage.class);
            assertThat(store.headPosition()).isEqualTo(registeredHead);
            assertThat(head).isLessThan(registeredHead);
        }
    }
}
