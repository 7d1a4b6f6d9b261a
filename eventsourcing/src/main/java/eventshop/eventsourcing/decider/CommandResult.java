package eventshop.eventsourcing.decider;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import java.util.List;

/**
 * What handling a command did.
 *
 * @param streamId      the stream the command addressed
 * @param streamVersion the stream's version after the command (-1 if it still has no events)
 * @param events        the events the command appended (empty if it decided nothing)
 * @param token         where its last event sits in the log, and in which stream, for read-your-writes
 *                      queries; when nothing was appended, where the stream's last event sits (-1 for
 *                      a stream without events): the state the command saw
 * @param <E>           the event type
 */
public record CommandResult<E>(String streamId, long streamVersion, List<E> events, ConsistencyToken token) {
}
