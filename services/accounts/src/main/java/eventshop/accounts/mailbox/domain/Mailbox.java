package eventshop.accounts.mailbox.domain;

import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.DomainError;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An account's mailbox, the simulated e-mail of {@code GET /api/accounts/me/messages}: private stream
 * {@code mailbox-<accountId>}, never published (its event type is in {@code eventshop.relay.private-types}
 * and the relay routes skip every stream but the accounts'). A message is identified by the id its sender
 * chose, derived from what caused it, so delivering the same message id again records nothing: a
 * redelivered cause leaves one message.
 */
public final class Mailbox {

    public static final int MAX_MESSAGE_ID = 100;
    public static final int MAX_SUBJECT = 200;
    public static final int MAX_BODY = 10_000;
    public static final int MAX_CODE = 32;

    private Mailbox() {
    }

    /** The stream of an account's mailbox. */
    public static String streamId(String accountId) {
        return "mailbox-" + accountId;
    }

    // ------------------------------------------------------------------ events, commands, state

    public sealed interface Event {
    }

    /** A message put into the mailbox at {@code at}; {@code code} is empty unless it is a confirmation. */
    public record MessageDelivered(String accountId, String messageId, MessageKind kind, String subject, String body,
                                   String code, Instant at) implements Event {
    }

    public sealed interface Command {
    }

    /** Deliver a message, unless one with this id was delivered before; {@code at} is now. */
    public record Deliver(String accountId, String messageId, MessageKind kind, String subject, String body,
                          String code, Instant at) implements Command {
    }

    /** The ids of the messages delivered so far: all a decision needs. */
    public record State(Set<String> messageIds) {
        public static final State EMPTY = new State(Set.of());

        public State {
            messageIds = Set.copyOf(messageIds);
        }

        public boolean holds(String messageId) {
            return messageIds.contains(messageId);
        }
    }

    /** A message that cannot be delivered as it is (no id, a field too long): no retry fixes it (422). */
    public static final class InvalidMessage extends DomainError {
        public InvalidMessage(String detail) {
            super(Kind.UNPROCESSABLE, detail);
        }
    }

    public static final Decider<Command, Event, State> DECIDER =
            new Decider<>(State.EMPTY, Mailbox::evolve, Mailbox::decide);

    // ------------------------------------------------------------------ evolve, decide

    public static State evolve(State state, Event event) {
        return switch (event) {
            case MessageDelivered delivered -> {
                Set<String> ids = new HashSet<>(state.messageIds());
                ids.add(delivered.messageId());
                yield new State(ids);
            }
        };
    }

    public static List<Event> decide(Command command, State state) {
        return switch (command) {
            case Deliver deliver -> {
                check(deliver);
                yield state.holds(deliver.messageId()) ? List.of()
                        : List.of(new MessageDelivered(deliver.accountId(), deliver.messageId(), deliver.kind(),
                        deliver.subject() == null ? "" : deliver.subject(), deliver.body() == null ? "" : deliver.body(),
                        deliver.code() == null ? "" : deliver.code(), deliver.at()));
            }
        };
    }

    private static void check(Deliver deliver) {
        if (deliver.accountId() == null || deliver.accountId().isBlank()) {
            throw new InvalidMessage("a message needs an account id");
        }
        if (deliver.messageId() == null || deliver.messageId().isBlank() || deliver.messageId().length() > MAX_MESSAGE_ID) {
            throw new InvalidMessage("a message needs an id of 1 to " + MAX_MESSAGE_ID + " characters");
        }
        if (deliver.kind() == null) {
            throw new InvalidMessage("a message needs a kind");
        }
        if (deliver.at() == null) {
            throw new InvalidMessage("a message needs a delivery time");
        }
        limit("subject", deliver.subject(), MAX_SUBJECT);
        limit("body", deliver.body(), MAX_BODY);
        limit("code", deliver.code(), MAX_CODE);
    }

    private static void limit(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidMessage("a message's " + field + " has at most " + max + " characters");
        }
    }
}
