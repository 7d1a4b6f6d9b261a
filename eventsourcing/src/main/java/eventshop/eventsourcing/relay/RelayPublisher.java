package eventshop.eventsourcing.relay;

import eventshop.eventstore.RecordedEvent;

/**
 * Hands events to the broker without waiting, and reports each outcome to a {@link Listener}.
 *
 * <p>Contract: events handed over one after another are delivered in that order per key (the
 * producer is idempotent with at most 5 requests in flight per connection); for every event
 * that {@link #publish} accepted, the listener later hears {@code acknowledged} (the broker has it
 * with acks=all) or {@code failed}, unless the publisher is closed first. Callbacks may come on
 * any thread, possibly concurrently.
 */
public interface RelayPublisher {

    /** Where outcomes go; set once, before the first {@link #publish}. */
    void listen(Listener listener);

    /**
     * Starts sending {@code event}.
     *
     * @throws RuntimeException if it could not even be handed to the producer (then no callback follows)
     */
    void publish(RecordedEvent event);

    /** Receives outcomes, keyed by the event's global position. */
    interface Listener {

        void acknowledged(long position);

        void failed(long position, Throwable error);
    }
}
