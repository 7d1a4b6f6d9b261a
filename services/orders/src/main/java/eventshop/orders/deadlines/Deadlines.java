package eventshop.orders.deadlines;

import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderEvent.CompensationCompleted;
import eventshop.orders.order.domain.OrderEvent.DeliveryScheduled;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.OrderConfirmed;
import eventshop.orders.order.domain.OrderEvent.OrderDelivered;
import eventshop.orders.order.domain.OrderEvent.OrderPaymentAuthorized;
import eventshop.orders.order.domain.OrderEvent.OrderPlaced;
import eventshop.orders.order.domain.OrderEvent.OrderShipped;
import eventshop.orders.order.domain.OrderEvent.OrderStockReserved;
import eventshop.orders.order.domain.OrderEvent.PaymentAuthorizationRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentCaptureRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentRefundRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentVoidRequested;
import eventshop.orders.order.domain.OrderEvent.ShipmentRequested;
import eventshop.orders.order.domain.OrderEvent.StockReleaseRequested;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import eventshop.orders.order.domain.SagaStep;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Read model of every order's pending deadlines, table {@code deadlines}: one row per order and slot
 * ({@code FORWARD} for the one forward step waiting, else the compensation's name) with the step, its
 * attempt and when it is due (epoch milliseconds). Folded from the order streams, so the deadlines
 * survive a restart: they are in the events. {@link DeadlineScheduler} reads the due ones.
 */
@Component
public class Deadlines extends StreamProjection<OrderEvent> {

    public static final String NAME = "deadlines";
    static final String FORWARD = "FORWARD";

    /** A deadline: {@code step}'s {@code attempt} of {@code orderId} is due at {@code dueAt}. */
    public record Due(String orderId, SagaStep step, int attempt, Instant dueAt) {
    }

    public Deadlines() {
        super(NAME, Order.streamId(""), Orders.CODEC, List.of("deadlines"),
                "CREATE TABLE {deadlines} (order_id VARCHAR(100) NOT NULL, slot VARCHAR(20) NOT NULL,"
                        + " step VARCHAR(20) NOT NULL, attempt INT NOT NULL, due_at BIGINT NOT NULL,"
                        + " PRIMARY KEY (order_id, slot))",
                "CREATE INDEX {deadlines}_by_due ON {deadlines} (due_at)");
    }

    @Override
    protected void on(OrderEvent decoded, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        String id = decoded.orderId();
        switch (decoded) {
            case StockReservationRequested requested ->
                    put(tables, jdbc, id, SagaStep.RESERVE_STOCK, requested.attempt(), requested.deadline());
            case PaymentAuthorizationRequested requested ->
                    put(tables, jdbc, id, SagaStep.AUTHORIZE_PAYMENT, requested.attempt(), requested.deadline());
            case PaymentCaptureRequested requested ->
                    put(tables, jdbc, id, SagaStep.CAPTURE_PAYMENT, requested.attempt(), requested.deadline());
            case ShipmentRequested requested ->
                    put(tables, jdbc, id, SagaStep.SHIP_STOCK, requested.attempt(), requested.deadline());
            case DeliveryScheduled scheduled -> put(tables, jdbc, id, SagaStep.DELIVER, 1, scheduled.dueAt());
            case StockReleaseRequested requested ->
                    put(tables, jdbc, id, SagaStep.RELEASE_STOCK, requested.attempt(), requested.deadline());
            case PaymentVoidRequested requested ->
                    put(tables, jdbc, id, SagaStep.VOID_PAYMENT, requested.attempt(), requested.deadline());
            case PaymentRefundRequested requested ->
                    put(tables, jdbc, id, SagaStep.REFUND_PAYMENT, requested.attempt(), requested.deadline());
            case CompensationCompleted completed -> remove(tables, jdbc, id, completed.step().name());
            // a status event ends the forward step that was waiting (the next one, if any, follows it)
            case OrderStockReserved reserved -> remove(tables, jdbc, id, FORWARD);
            case OrderPaymentAuthorized authorized -> remove(tables, jdbc, id, FORWARD);
            case OrderShipped shipped -> remove(tables, jdbc, id, FORWARD);
            case OrderDelivered delivered -> remove(tables, jdbc, id, FORWARD);
            case OrderCancelled cancelled -> remove(tables, jdbc, id, FORWARD);
            case OrderPlaced placed -> {
            }
            case OrderConfirmed confirmed -> {
            }
        }
    }

    private static String slot(SagaStep step) {
        return switch (step) {
            case RESERVE_STOCK, AUTHORIZE_PAYMENT, CAPTURE_PAYMENT, SHIP_STOCK, DELIVER -> FORWARD;
            case RELEASE_STOCK, VOID_PAYMENT, REFUND_PAYMENT -> step.name();
        };
    }

    private static void put(Tables tables, JdbcTemplate jdbc, String orderId, SagaStep step, int attempt, Instant due) {
        String slot = slot(step);
        long dueAt = due.toEpochMilli(); // rounded down: a row may come due up to 1 ms early, never late
        int updated = jdbc.update(tables.sql("UPDATE {deadlines} SET step = ?, attempt = ?, due_at = ?"
                + " WHERE order_id = ? AND slot = ?"), step.name(), attempt, dueAt, orderId, slot);
        if (updated == 0) {
            jdbc.update(tables.sql("INSERT INTO {deadlines} (order_id, slot, step, attempt, due_at)"
                    + " VALUES (?, ?, ?, ?, ?)"), orderId, slot, step.name(), attempt, dueAt);
        }
    }

    private static void remove(Tables tables, JdbcTemplate jdbc, String orderId, String slot) {
        jdbc.update(tables.sql("DELETE FROM {deadlines} WHERE order_id = ? AND slot = ?"), orderId, slot);
    }

    /** The deadlines due at {@code now}, earliest first, at most {@code limit}. */
    public static List<Due> due(JdbcTemplate jdbc, Tables tables, Instant now, int limit) {
        return jdbc.query(tables.sql("SELECT order_id, step, attempt, due_at FROM {deadlines} WHERE due_at <= ?"
                        + " ORDER BY due_at OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY"),
                (rs, row) -> new Due(rs.getString(1), SagaStep.valueOf(rs.getString(2)), rs.getInt(3),
                        Instant.ofEpochMilli(rs.getLong(4))), now.toEpochMilli(), limit);
    }

    /** All pending deadlines of one order. */
    public static List<Due> of(JdbcTemplate jdbc, Tables tables, String orderId) {
        return jdbc.query(tables.sql("SELECT order_id, step, attempt, due_at FROM {deadlines} WHERE order_id = ?"
                        + " ORDER BY slot"),
                (rs, row) -> new Due(rs.getString(1), SagaStep.valueOf(rs.getString(2)), rs.getInt(3),
                        Instant.ofEpochMilli(rs.getLong(4))), orderId);
    }

    /** How many compensations are waiting for their replies. */
    public static long pendingCompensations(JdbcTemplate jdbc, Tables tables) {
        Long count = jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {deadlines} WHERE slot <> ?"), Long.class,
                FORWARD);
        return count == null ? 0 : count;
    }
}
