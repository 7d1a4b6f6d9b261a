package eventshop.functions.handling;

import java.util.Optional;

/**
 * A stateless handler of one kind of event: a pure function of the event and its id (no I/O, no
 * clock, no random ids), answering at most one command.
 *
 * @param <E> the input events (a contract's sealed event type)
 * @param <C> the commands it sends (a contract's sealed command type)
 */
public interface Handler<E, C> {

    /** The function's name: its bean name, and part of every id it derives. */
    String name();

    /** The command {@code event} (whose id is {@code eventId}) calls for, or none. */
    Optional<Outgoing<C>> on(E event, String eventId);
}
