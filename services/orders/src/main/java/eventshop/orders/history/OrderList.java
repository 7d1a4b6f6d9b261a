package eventshop.orders.history;

import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderPlaced;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.projection.Projection;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Read model of every order's summary, table {@code order_list}: one row per order with its status,
 * placed in log order (newest first = highest position). Serves {@code GET /api/orders} and the gauge
 * {@code orders.by.status{status}}.
 */
@Component
public class OrderList implements Projection {

    public static final String NAME = "order_list";

    /** One order in a list. */
    public record Summary(String orderId, String customerId, OrderStatus status, CancellationReason cancellationReason,
                          int itemCount, long totalCents, Instant placedAt, Instant updatedAt) {
    }

    private static final RowMapper<Summary> ROW = (rs, row) -> new Summary(rs.getString(1), rs.getString(2),
            OrderStatus.valueOf(rs.getString(3)),
            rs.getString(4) == null ? null : CancellationReason.valueOf(rs.getString(4)), rs.getInt(5), rs.getLong(6),
            Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)));
    private static final String COLUMNS = "order_id, customer_id, status, cancellation_reason, item_count, total_cents,"
            + " placed_at, updated_at";

    public OrderList(MeterRegistry registry, ObjectProvider<Projections> projections, JdbcTemplate jdbc) {
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
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("order_list");
    }

    @Override
    public void create(Tables tables, JdbcTemplate jdbc) {
        jdbc.execute(tables.sql("CREATE TABLE {order_list} (order_id VARCHAR(100) PRIMARY KEY,"
                + " customer_id VARCHAR(100) NOT NULL, status VARCHAR(20) NOT NULL, cancellation_reason VARCHAR(20),"
                + " item_count INT NOT NULL, total_cents BIGINT NOT NULL, placed_at BIGINT NOT NULL,"
                + " updated_at BIGINT NOT NULL, placed_position BIGINT NOT NULL)"));
        jdbc.execute("CREATE INDEX " + tables.name("order_list") + "_by_customer ON " + tables.name("order_list")
                + " (customer_id, placed_position)");
        jdbc.execute("CREATE INDEX " + tables.name("order_list") + "_by_position ON " + tables.name("order_list")
                + " (placed_position)");
    }

    @Override
    public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
        if (!Orders.CODEC.typeNames().contains(event.type())) {
            return;
        }
        OrderEvent decoded = Orders.CODEC.deserialize(event.type(), event.data(), event.metadata().schemaVersion());
        OrderStatus status = Order.statusAfter(decoded);
        long at = event.metadata().timestamp().toEpochMilli();
        if (decoded instanceof OrderPlaced placed) {
            int items = placed.lines().stream().mapToInt(line -> line.quantity()).sum();
            jdbc.update(tables.sql("INSERT INTO {order_list} (order_id, customer_id, status, item_count, total_cents,"
                            + " placed_at, updated_at, placed_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    placed.orderId(), placed.customerId(), status.name(), items, placed.totalCents(), at, at,
                    event.position());
        } else if (status != null) {
            String reason = decoded instanceof OrderCancelled cancelled ? cancelled.reason().name() : null;
            jdbc.update(tables.sql("UPDATE {order_list} SET status = ?, cancellation_reason = ?, updated_at = ?"
                    + " WHERE order_id = ?"), status.name(), reason, at, decoded.orderId());
        }
    }

    /** A page of one customer's orders (all customers' if {@code customerId} is null), newest first. */
    public static List<Summary> page(JdbcTemplate jdbc, Tables tables, String customerId, int offset, int limit) {
        return customerId == null
                ? jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_list} ORDER BY placed_position DESC"
                + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"), ROW, offset, limit)
                : jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_list} WHERE customer_id = ?"
                + " ORDER BY placed_position DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"), ROW, customerId, offset, limit);
    }

    /** How many orders one customer has (all if {@code customerId} is null). */
    public static long total(JdbcTemplate jdbc, Tables tables, String customerId) {
        Long count = customerId == null
                ? jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_list}"), Long.class)
                : jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_list} WHERE customer_id = ?"),
                Long.class, customerId);
        return count == null ? 0 : count;
    }

    static long count(JdbcTemplate jdbc, Tables tables, OrderStatus status) {
        Long count = jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_list} WHERE status = ?"), Long.class,
                status.name());
        return count == null ? 0 : count;
    }
}
