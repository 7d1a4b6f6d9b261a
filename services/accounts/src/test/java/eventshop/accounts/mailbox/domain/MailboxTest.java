package eventshop.accounts.mailbox.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.accounts.mailbox.domain.Mailbox.Deliver;
import eventshop.accounts.mailbox.domain.Mailbox.InvalidMessage;
import eventshop.accounts.mailbox.domain.Mailbox.MessageDelivered;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.testing.DeciderFixture;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MailboxTest {

    static final String ID = "0b6f1f3e-6c1d-4c55-9a51-3f2d1c7e9a10";
    static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");
    static final MessageDelivered WELCOME = new MessageDelivered(ID, "m-1", MessageKind.CONFIRMATION,
            "Confirm your account", "Your code is 123456", "123456", AT);

    final DeciderFixture<Mailbox.Command, Mailbox.Event, Mailbox.State> mailbox = DeciderFixture.of(Mailbox.DECIDER);

    static Deliver deliver(String messageId, Instant at) {
        return new Deliver(ID, messageId, MessageKind.CONFIRMATION, "Confirm your account", "Your code is 123456",
                "123456", at);
    }

    @Test
    void a_message_is_delivered() {
        Mailbox.State state = mailbox.when(deliver("m-1", AT)).then(WELCOME);
        assertThat(state.holds("m-1")).isTrue();
    }

    @Test
    void the_same_message_id_again_delivers_nothing_whatever_else_it_says() {
        mailbox.given(WELCOME).when(deliver("m-1", AT.plusSeconds(5))).thenNothing();
        mailbox.given(WELCOME).when(new Deliver(ID, "m-1", MessageKind.LOW_STOCK, "other", "other", "", AT))
                .thenNothing();
    }

    @Test
    void another_message_id_is_another_message() {
        mailbox.given(WELCOME).when(new Deliver(ID, "m-2", MessageKind.ORDER_SHIPPED, "Shipped", "On its way", null, AT))
                .then(new MessageDelivered(ID, "m-2", MessageKind.ORDER_SHIPPED, "Shipped", "On its way", "", AT));
    }

    @Test
    void a_message_without_an_id_or_kind_or_with_fields_too_long_is_invalid() {
        InvalidMessage error = mailbox.when(deliver("", AT)).thenError(InvalidMessage.class);
        assertThat(error.kind()).isEqualTo(DomainError.Kind.UNPROCESSABLE);
        mailbox.when(deliver(null, AT)).thenError(InvalidMessage.class);
        mailbox.when(deliver("m".repeat(Mailbox.MAX_MESSAGE_ID + 1), AT)).thenError(InvalidMessage.class);
        mailbox.when(new Deliver(ID, "m-1", null, "s", "b", "", AT)).thenError(InvalidMessage.class);
        mailbox.when(new Deliver(ID, "m-1", MessageKind.LOW_STOCK, "s".repeat(Mailbox.MAX_SUBJECT + 1), "b", "", AT))
                .thenError(InvalidMessage.class);
        mailbox.when(new Deliver(ID, "m-1", MessageKind.LOW_STOCK, "s", "b".repeat(Mailbox.MAX_BODY + 1), "", AT))
                .thenError(InvalidMessage.class);
        mailbox.when(new Deliver(ID, "m-1", MessageKind.CONFIRMATION, "s", "b", "1".repeat(Mailbox.MAX_CODE + 1), AT))
                .thenError(InvalidMessage.class);
        mailbox.when(new Deliver("", "m-1", MessageKind.LOW_STOCK, "s", "b", "", AT)).thenError(InvalidMessage.class);
    }
}
