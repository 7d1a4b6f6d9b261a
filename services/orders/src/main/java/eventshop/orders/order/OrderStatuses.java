package eventshop.orders.order;

import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderEvent.OrderPlaced;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Orders' private read model of every order's status and customer, table {@code order_status}: what orders
 * needs to know across its orders, the open orders of a customer whose account may no longer shop
 * ({@code saga.OpenOrders}) and the gauge {@code orders.by.status{status}}. Not the order list customers see:
 * that is the views service's ({@code GET /api/orders}, routed there by edge).
 */
@Component
public class OrderStatuses extends StreamProjection<OrderEvent> {

    public static final String NAME = "order_status";

    /** The statuses of an order not yet confirmed: an account's suspension still cancels it. */
    public static final List<OrderStatus> NOT_YET_CONFIRMED = List.of(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED,
            OrderStatus.PAYMENT_AUTHORIZED);

    public OrderStatuses(MeterRegistry registry, ObjectProvider<Projections> projections, JdbcTemplate jdbc) {
        super(NAME, Order.streamId(""), Orders.CODEC, List.of("order_status"),
                "CREATE TABLE {order_status} (order_id VARCHAR(100) PRIMARY KEY, customer_id VARCHAR(100) NOT NULL,"
                        + " status VARCHAR(20) NOT NULL)",
                "CREATE INDEX {order_status}_by_customer ON {order_status} (customer_id, status)");
        for (OrderStatus status : OrderStatus.values()) {
            Gauge.builder("orders.by.status", () -> {
                        try {
                            return projections.getObject().read(NAME, null, tables -> count(jdbc, tables, status));
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    }).tag("status", status.name()).description("orders in each status")
                    .register(registry);
        }
    }

    @Override
    protected void on(OrderEvent decoded, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        OrderStatus status = Order.statusAfter(decoded);
        if (decoded instanceof OrderPlaced placed) {
            jdbc.update(tables.sql("INSERT INTO {order_status} (order_id, customer_id, status) VALUES (?, ?, ?)"),
                    placed.orderId(), placed.customerId(), status.name());
        } else if (status != null) {
            jdbc.update(tables.sql("UPDATE {order_status} SET status = ? WHERE order_id = ?"), status.name(),
                    decoded.orderId());
        }
    }

    /** The ids of the customer's orders in one of {@code statuses}. */
    public static List<String> of(JdbcTemplate jdbc, Tables tables, String customerId, List<OrderStatus> statuses) {
        Object[] args = new Object[statuses.size() + 1];
        args[0] = customerId;
        for (int i = 0; i < statuses.size(); i++) {
            args[i + 1] = statuses.get(i).name();
        }
        String marks = String.join(", ", java.util.Collections.nCopies(statuses.size(), "?"));
        return jdbc.queryForList(tables.sql("SELECT order_id FROM {order_status} WHERE customer_id = ? AND status IN ("
                + marks + ")"), String.class, args);
    }

    static long count(JdbcTemplate jdbc, Tables tables, OrderStatus status) {
        Long count = jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_status} WHERE status = ?"), Long.class,
                status.name());
        return count == null ? 0 : count;
    }
}
