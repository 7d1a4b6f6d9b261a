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

    /**
     * Starts sending {@code event} to {@code topic} instead of the publisher's own topic (a route of
     * {@link RelayRoutes}); same contract as {@link #publish}.
     *
     * @throws RuntimeException if it could not be handed over, for example to a topic this publisher
     *                          has no binding for
     */
    default void send(String topic, RecordedEvent event) {
        throw new UnsupportedOperationException("this publisher sends to its own topic only, not to " + topic);
    }

    /** Receives outcomes, keyed by the event's global position. */
    interface Listener {

        void acknowledged(long position);

        void failed(long position, Throwable error);
    }
}
