package eventshop.orders.saga;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventstore.EventStore;
import eventshop.orders.order.OrderStatuses;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The orders of a customer that are not yet confirmed (placed, stock reserved, payment authorized), from the
 * {@code order_status} read model as of the log's head when asked (waiting, bounded, for the projection to
 * get there), so an order placed a moment ago is among them.
 */
@Component
public class OpenOrders {

    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final EventStore store;
    private final String serviceName;

    public OpenOrders(Projections projections, JdbcTemplate jdbc, EventStore store,
                      @Value("${eventshop.service-name:orders}") String serviceName) {
        this.projections = projections;
        this.jdbc = jdbc;
        this.store = store;
        this.serviceName = serviceName;
    }

    /** The ids of the customer's orders not yet confirmed. */
    public List<String> of(String customerId) {
        String asOfNow = new ConsistencyToken(serviceName, store.headPosition()).toString();
        return projections.read(OrderStatuses.NAME, asOfNow,
                tables -> OrderStatuses.of(jdbc, tables, customerId, OrderStatuses.NOT_YET_CONFIRMED));
    }
}
