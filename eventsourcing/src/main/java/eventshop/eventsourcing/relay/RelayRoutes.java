package eventshop.eventsourcing.relay;

import eventshop.eventstore.RecordedEvent;
import java.util.Objects;

/**
 * Where the log relay sends each event of the service's log: the log is the outbox for commands as
 * well as for events. A saga records "stock reservation requested" in its own stream (one atomic append
 * with the state change it belongs to) and routes that event to {@code inventory.commands} as a
 * {@code ReserveStock} message; nothing is ever sent outside the relay, so there is no dual write. The
 * routes are also where a service keeps its own events private ({@link Route#skip}) or translates them into
 * the published language ({@link Route#publish}), so the published contract can stay stable while the
 * events a service stores change.
 *
 * <p>A service declares at most one bean of this type; without one every event goes to the service's
 * events topic. Events whose type is listed in {@code eventshop.relay.private-types} are skipped before
 * the routes are asked. Implementations must be pure and fast (the relay calls them on its sending
 * thread, in log order) and must answer the same for the same event, so a replay after a restart sends
 * the same messages again (receivers deduplicate by the {@code event-id} header).
 */
@FunctionalInterface
public interface RelayRoutes {

    /** Every event to the service's events topic, as stored. */
    RelayRoutes EVENTS = event -> Route.events();

    /** Where {@code event} goes. */
    Route route(RecordedEvent event);

    /** A destination for one event. */
    sealed interface Route {

        /** To the service's events topic ({@code <service>.events}), as stored. */
        static Route events() {
            return Events.INSTANCE;
        }

        /**
         * To the service's events topic as a message of type {@code type} with payload {@code data}: a private
         * event translated into the published one it stands for; the other headers (event id, stream, version,
         * position, correlation, trace) and the key (stream id) stay those of the stored event.
         */
        static Route publish(String type, byte[] data) {
            return new Publish(type, data);
        }

        /** Nowhere: the event stays private to the service (it still counts as relayed). */
        static Route skip() {
            return Skip.INSTANCE;
        }

        /**
         * To {@code topic} (which must be listed in {@code eventshop.relay.command-topics}) as a message of
         * type {@code type} with payload {@code data}; the other headers (event id, stream, position,
         * correlation, trace) and the key (stream id) stay those of the stored event.
         */
        static Route send(String topic, String type, byte[] data) {
            return new Send(topic, type, data);
        }

        enum Events implements Route {
            INSTANCE
        }

        record Publish(String type, byte[] data) implements Route {
            public Publish {
                Objects.requireNonNull(type, "type");
                Objects.requireNonNull(data, "data");
                if (type.isBlank()) {
                    throw new IllegalArgumentException("a published message needs a type");
                }
            }
        }

        enum Skip implements Route {
            INSTANCE
        }

        record Send(String topic, String type, byte[] data) implements Route {
            public Send {
                Objects.requireNonNull(topic, "topic");
                Objects.requireNonNull(type, "type");
                Objects.requireNonNull(data, "data");
                if (topic.isBlank() || type.isBlank()) {
                    throw new IllegalArgumentException("a routed message needs a topic and a type");
                }
            }
        }
    }
}
