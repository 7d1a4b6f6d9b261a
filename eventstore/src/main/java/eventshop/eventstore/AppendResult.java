package eventshop.eventstore;

/**
 * The outcome of an append.
 *
 * @param streamVersion the stream's version after the append (the version of its last event)
 * @param position      the global position of the batch's last event
 */
public record AppendResult(long streamVersion, long position) {
}
