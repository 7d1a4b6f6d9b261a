package eventshop.payments.cards;

import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.cards.domain.Card;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the log relay publishes: every event of the payment streams on {@code payments.events}, and
 * nothing of the card streams ({@code card-<token>}), whatever their type. {@code payments.yml} also
 * lists {@code CardTokenized} in {@code eventshop.relay.private-types}; the route by stream keeps a
 * card event type added later private even if nobody remembers to list it.
 */
@Configuration(proxyBeanMethods = false)
public class PrivateCards {

    /** The route of one stored event. */
    public static RelayRoutes.Route route(RecordedEvent event) {
        return event.streamId().startsWith(Card.streamId("")) ? RelayRoutes.Route.skip() : RelayRoutes.Route.events();
    }

    @Bean
    RelayRoutes paymentsRelayRoutes() {
        return PrivateCards::route;
    }
}
