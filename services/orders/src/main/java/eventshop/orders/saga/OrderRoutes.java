package eventshop.orders.saga;

import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventsourcing.relay.RelayRoutes.Route;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.OrderMessages;
import eventshop.orders.order.domain.OrderMessages.Keep;
import eventshop.orders.order.domain.OrderMessages.Publish;
import eventshop.orders.order.domain.OrderMessages.Send;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the relay sends each event of an order's stream (the log is the outbox), as {@link OrderMessages}
 * decides: a status event is published on {@code orders.events} in its published form (the contract's
 * record of the same name), a {@code ...Requested} step goes to {@code inventory.commands} or
 * {@code payments.commands} as the command it stands for, with the stored event's id as the command id, and
 * the other steps of the saga stay in orders' log. A pure function of the event.
 */
@Configuration(proxyBeanMethods = false)
public class OrderRoutes {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonEventCodec<eventshop.contracts.orders.OrderEvent> PUBLISHED =
            JsonEventCodec.of(eventshop.contracts.orders.OrderEvent.class, JSON);

    /**
     * The relay's routes (the command topics are listed in {@code eventshop.relay.command-topics}); an event
     * of a type this service does not know (none should exist) is kept.
     */
    @Bean
    public RelayRoutes orderRelayRoutes() {
        return OrderRoutes::route;
    }

    /** {@link OrderMessages#of} as a relay route of a stored event. */
    public static Route route(RecordedEvent event) {
        if (!Orders.CODEC.typeNames().contains(event.type())) {
            return Route.skip();
        }
        return switch (OrderMessages.of(Orders.CODEC.deserialize(event.type(), event.data(),
                event.metadata().schemaVersion()))) {
            case Publish publish -> Route.publish(PUBLISHED.typeOf(publish.event()),
                    PUBLISHED.serialize(publish.event()));
            case Send send -> Route.send(send.topic(), send.command().getClass().getSimpleName(),
                    JSON.writeValueAsBytes(send.command()));
            case Keep keep -> Route.skip();
        };
    }
}
