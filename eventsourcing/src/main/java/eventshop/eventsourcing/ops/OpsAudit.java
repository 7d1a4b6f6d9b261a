package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.Decider;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The operations console's actions as audited commands: every action an operator takes on a service (rebuild a
 * read model, replay or discard a parked message, unmask a field) is first recorded in the service's own log, in
 * the stream {@value #STREAM}, as an {@link OpsActionTaken} saying who, when, what and why; only then is it
 * carried out. An action whose record cannot be appended is not taken. The relay never publishes the stream
 * ({@link #isAudit}): it is the service's own history of what was done to it.
 *
 * <p>Thread-safe: appends go through a {@link CommandHandler}, which retries a lost race for the stream.
 */
public final class OpsAudit {

    /** The stream every audited action of a service goes to. */
    public static final String STREAM = "ops-audit";

    /** The events of the audit stream. */
    public sealed interface Event permits OpsActionTaken {
    }

    /**
     * An operator's action.
     *
     * @param action  what was done: {@code rebuild}, {@code replay}, {@code replay-all}, {@code discard}, {@code unmask}, ...
     * @param target  what it was done to: a projection, a parked message's id, an event position and field
     * @param detail  what the action said beyond its target (how many events a rebuild replays, a stop offset), or empty
     * @param reason  why, in the operator's words, or null where the action asks for none
     * @param by      the acting user's account id
     * @param byEmail the acting user's e-mail, as edge vouched for it
     * @param at      when
     */
    public record OpsActionTaken(String action, String target, String detail, @Nullable String reason, String by,
                                 String byEmail, Instant at) implements Event {
    }

    /** The command that records one action. */
    record Record(OpsActionTaken action) {
    }

    /** Every action is recorded; the state counts them. */
    static final Decider<Record, Event, Long> DECIDER = new Decider<>(0L,
            (count, event) -> switch (event) {
                case OpsActionTaken taken -> count + 1;
            },
            (command, count) -> List.of(command.action()));

    private static final JsonEventCodec<Event> CODEC = JsonEventCodec.of(Event.class);

    private final EventStore store;
    private final CommandHandler<Record, Event, Long> handler;
    private final CommandContexts contexts;
    private final Clock clock;

    public OpsAudit(String serviceName, EventStore store, CommandContexts contexts, Clock clock) {
        this.store = store;
        this.handler = CommandHandler.builder(serviceName, store, DECIDER, CODEC).clock(clock).cache(1).build();
        this.contexts = contexts;
        this.clock = clock;
    }

    /** Whether {@code event} is an audit record (never published, never projected). */
    public static boolean isAudit(RecordedEvent event) {
        return STREAM.equals(event.streamId());
    }

    /**
     * Records an action before it is taken.
     *
     * @param user   the operator (must not be the anonymous caller)
     * @param reason null where the action asks for none
     * @return the recorded action
     */
    public OpsActionTaken record(EdgeUser user, String action, String target, String detail, @Nullable String reason) {
        Objects.requireNonNull(user, "user");
        if (user.isAnonymous()) {
            throw new IllegalArgumentException("an audited action needs an operator, not the anonymous caller");
        }
        OpsActionTaken taken = new OpsActionTaken(action, target, detail == null ? "" : detail, reason, user.id(),
                user.email(), clock.instant());
        handler.handle(STREAM, new Record(taken), contexts.create(user.id(), null));
        return taken;
    }

    /** The newest {@code limit} recorded actions, newest first, each with its log position. */
    public List<Recorded> recent(int limit) {
        List<Recorded> recent = new ArrayList<>();
        for (RecordedEvent event : recentEvents(limit)) {
            if (CODEC.decode(event) instanceof OpsActionTaken taken) {
                recent.add(new Recorded(event.position(), event.version(), taken));
            }
        }
        return recent;
    }

    /** The newest {@code limit} events of the audit stream as stored, newest first. */
    public List<RecordedEvent> recentEvents(int limit) {
        long last = store.streamVersion(STREAM);
        if (last < 0 || limit <= 0) {
            return List.of();
        }
        List<RecordedEvent> recent = new ArrayList<>(store.read(STREAM, Math.max(0, last - limit + 1)).collectList()
                .block());
        Collections.reverse(recent);
        return recent;
    }

    /** An action as the log holds it. */
    public record Recorded(long position, long version, OpsActionTaken action) {
    }
}
