package eventshop.views.history;

import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.projection.Tables;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Queries over {@code order_history}: a customer's orders with their live status, newest first. */
public final class OrderHistory {

    /**
     * One order in a list: the fields of orders' own list ({@code orderId} .. {@code updatedAt}), plus
     * {@code lineCount}, {@code subtotalCents} and {@code taxCents}. Times are the events' timestamps.
     */
    public record Summary(String orderId, String customerId, OrderStatus status,
                          @Nullable CancellationReason cancellationReason, int itemCount, long totalCents,
                          Instant placedAt, Instant updatedAt, int lineCount, long subtotalCents, long taxCents) {
    }

    private static final String COLUMNS = "order_id, customer_id, status, cancellation_reason, item_count, total_cents,"
            + " placed_at, updated_at, line_count, subtotal_cents, tax_cents";
    private static final RowMapper<Summary> ROW = (rs, row) -> new Summary(rs.getString(1), rs.getString(2),
            OrderStatus.valueOf(rs.getString(3)),
            rs.getString(4) == null ? null : CancellationReason.valueOf(rs.getString(4)), rs.getInt(5), rs.getLong(6),
            Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)), rs.getInt(9), rs.getLong(10),
            rs.getLong(11));

    private static final String NEWEST_FIRST = " ORDER BY checkout_position DESC NULLS FIRST,"
            + " placed_position DESC NULLS FIRST, order_id";

    private OrderHistory() {
    }

    /**
     * A page of one customer's orders (every customer's if {@code customerId} is null), newest first: by
     * the position of their checkout in carts' log; an order whose checkout the views have not read yet
     * comes first, by the position of its {@code OrderPlaced} in orders' log (never by a time).
     */
    public static List<Summary> page(JdbcTemplate jdbc, Tables tables, @Nullable String customerId, long offset,
                                     int limit) {
        return customerId == null
                ? jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_history}" + NEWEST_FIRST
                + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"), ROW, offset, limit)
                : jdbc.query(tables.sql("SELECT " + COLUMNS + " FROM {order_history} WHERE customer_id = ?"
                + NEWEST_FIRST + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"), ROW, customerId, offset, limit);
    }

    public static long total(JdbcTemplate jdbc, Tables tables, @Nullable String customerId) {
        Long count = customerId == null
                ? jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_history}"), Long.class)
                : jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_history} WHERE customer_id = ?"),
                Long.class, customerId);
        return count == null ? 0 : count;
    }
}
