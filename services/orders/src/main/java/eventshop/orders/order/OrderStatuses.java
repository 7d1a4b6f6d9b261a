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
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Orders' private read model of every order's status and customer, table {@code order_status}: what orders
 * needs to know across its orders, the open orders of a customer whose account may no longer shop
 * ({@code saga.OpenOrders}) and the gauge {@code orders.by.status{status}}. Not the order list customers see:
 * that is the views service's ({@code GET /api/orders}, routed there by edge). The operations console reads it too:
 * a customer's orders and the orders stuck past their deadlines ({@code orders.ops.SagaOps}), with when each was
 * placed, since when it has its status, and its checkout's correlation id (version 2 of the model: version 1 had
 * none of the three, and is rebuilt from the log on the first start of version 2).
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
                        + " status VARCHAR(20) NOT NULL, placed_at BIGINT NOT NULL, status_since BIGINT NOT NULL,"
                        + " correlation_id VARCHAR(200) NOT NULL)",
                "CREATE INDEX {order_status}_by_customer ON {order_status} (customer_id, status)",
                "CREATE INDEX {order_status}_by_status ON {order_status} (status, status_since)");
        for (OrderStatus status : OrderStatus.values()) {
            Gauge.builder("orders.by.status", () -> {
                        try {
                            return projections.getObject().read(NAME, tables -> count(jdbc, tables, status));
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    }).tag("status", status.name()).description("orders in each status")
                    .register(registry);
        }
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    protected void on(OrderEvent decoded, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        OrderStatus status = Order.statusAfter(decoded);
        if (decoded instanceof OrderPlaced placed) {
            long at = recorded.metadata().timestamp().toEpochMilli();
            jdbc.update(tables.sql("INSERT INTO {order_status} (order_id, customer_id, status, placed_at, status_since,"
                            + " correlation_id) VALUES (?, ?, ?, ?, ?, ?)"),
                    placed.orderId(), placed.customerId(), status.name(), at, at,
                    recorded.metadata().correlationId());
        } else if (status != null) {
            jdbc.update(tables.sql("UPDATE {order_status} SET status = ?, status_since = ? WHERE order_id = ?"),
                    status.name(), recorded.metadata().timestamp().toEpochMilli(), decoded.orderId());
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

    /** An order as the console lists it. */
    public record Row(String orderId, String customerId, OrderStatus status, Instant placedAt, Instant statusSince,
                      String correlationId) {
    }

    /** The customer's orders, newest first, at most {@code limit}. */
    public static List<Row> ofCustomer(JdbcTemplate jdbc, Tables tables, String customerId, int limit) {
        return jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_status} WHERE customer_id = ?"
                + " ORDER BY placed_at DESC, order_id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY"), OrderStatuses::row,
                customerId, limit);
    }

    /** The orders in one of {@code statuses} that have had it since before {@code before}, oldest first. */
    public static List<Row> since(JdbcTemplate jdbc, Tables tables, List<OrderStatus> statuses, Instant before,
                                  int limit) {
        String marks = String.join(", ", java.util.Collections.nCopies(statuses.size(), "?"));
        List<Object> args = new java.util.ArrayList<>(statuses.stream().map(OrderStatus::name).toList());
        args.add(before.toEpochMilli());
        args.add(limit);
        return jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_status} WHERE status IN (" + marks + ")"
                + " AND status_since < ? ORDER BY status_since OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY"),
                OrderStatuses::row, args.toArray());
    }

    /** One order, if the model has it. */
    public static java.util.Optional<Row> one(JdbcTemplate jdbc, Tables tables, String orderId) {
        return jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_status} WHERE order_id = ?"),
                OrderStatuses::row, orderId).stream().findFirst();
    }

    private static final String COLUMNS = "order_id, customer_id, status, placed_at, status_since, correlation_id";

    private static Row row(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Row(rs.getString(1), rs.getString(2), OrderStatus.valueOf(rs.getString(3)),
                Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6));
    }

    static long count(JdbcTemplate jdbc, Tables tables, OrderStatus status) {
        Long count = jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_status} WHERE status = ?"), Long.class,
                status.name());
        return count == null ? 0 : count;
    }
}
