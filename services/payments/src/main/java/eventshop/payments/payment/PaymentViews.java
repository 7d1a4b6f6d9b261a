package eventshop.payments.payment;

import eventshop.contracts.payments.PaymentEvent;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.contracts.payments.PaymentEvent.PaymentCommandRejected;
import eventshop.contracts.payments.PaymentEvent.PaymentDeclined;
import eventshop.contracts.payments.PaymentEvent.PaymentRefunded;
import eventshop.contracts.payments.PaymentEvent.PaymentVoided;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.StreamProjection;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventstore.RecordedEvent;
import eventshop.payments.payment.domain.Payment;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Read model of the payments, table {@code payments}: one row per order whose payment was
 * authorized, declined or voided, with its status, amount, the card's brand and last four (for
 * authorized payments: a declined one names no card), the decline reason and the last command
 * that could not apply. Rows are created by the events that name the customer; a payment voided
 * before authorization has no customer and is visible to admins only.
 */
@Component
public class PaymentViews extends StreamProjection<PaymentEvent> {

    public static final String NAME = "payments";

    public enum Status { AUTHORIZED, DECLINED, CAPTURED, VOIDED, REFUNDED }

    /** A payment as the customer and admins see it. */
    public record PaymentView(String orderId, String customerId, Status status, long amountCents, String brand,
                              String last4, PaymentEvent.DeclineReason declineReason, String lastRejection,
                              Instant createdAt, Instant updatedAt) {
    }

    /** A page of payments, newest first. */
    public record PaymentPage(List<PaymentView> items, int page, int size, long total) {
    }

    private static final RowMapper<PaymentView> ROW = (rs, row) -> new PaymentView(rs.getString("order_id"),
            rs.getString("customer_id"), Status.valueOf(rs.getString("status")), rs.getLong("amount_cents"),
            rs.getString("brand"), rs.getString("last4"),
            rs.getString("decline_reason") == null ? null
                    : PaymentEvent.DeclineReason.valueOf(rs.getString("decline_reason")),
            rs.getString("last_rejection"), rs.getTimestamp("created_at").toInstant(),
            rs.getTimestamp("updated_at").toInstant());

    public PaymentViews() {
        super(NAME, Payment.streamId(""), JsonEventCodec.of(PaymentEvent.class), List.of("payments"),
                "CREATE TABLE {payments} (order_id VARCHAR(100) PRIMARY KEY, customer_id VARCHAR(200),"
                        + " status VARCHAR(20) NOT NULL, amount_cents BIGINT NOT NULL, brand VARCHAR(20),"
                        + " last4 VARCHAR(4), decline_reason VARCHAR(30), last_rejection VARCHAR(200),"
                        + " created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, position BIGINT NOT NULL)",
                "CREATE INDEX {payments}_by_customer ON {payments} (customer_id, position)");
    }

    @Override
    protected void on(PaymentEvent event, RecordedEvent recorded, Tables tables, JdbcTemplate jdbc) {
        Timestamp at = Timestamp.from(recorded.metadata().timestamp());
        switch (event) {
            case PaymentAuthorized authorized -> insert(tables, jdbc, recorded, authorized.orderId(),
                    authorized.customerId(), Status.AUTHORIZED, authorized.amountCents(), authorized.brand(),
                    authorized.last4(), null);
            case PaymentDeclined declined -> insert(tables, jdbc, recorded, declined.orderId(), declined.customerId(),
                    Status.DECLINED, declined.amountCents(), null, null, declined.reason().name());
            case PaymentCaptured captured -> status(tables, jdbc, captured.orderId(), Status.CAPTURED, at);
            case PaymentRefunded refunded -> status(tables, jdbc, refunded.orderId(), Status.REFUNDED, at);
            case PaymentVoided voided -> {
                if (status(tables, jdbc, voided.orderId(), Status.VOIDED, at) == 0) {
                    insert(tables, jdbc, recorded, voided.orderId(), null, Status.VOIDED, 0, null, null, null);
                }
            }
            case PaymentCommandRejected rejected -> jdbc.update(tables.sql("UPDATE {payments} SET last_rejection = ?,"
                    + " updated_at = ? WHERE order_id = ?"), rejected.command() + ": " + rejected.reason(), at,
                    rejected.orderId());
        }
    }

    private static void insert(Tables tables, JdbcTemplate jdbc, RecordedEvent event, String orderId,
                               String customerId, Status status, long amountCents, String brand, String last4,
                               String declineReason) {
        Timestamp at = Timestamp.from(event.metadata().timestamp());
        jdbc.update(tables.sql("INSERT INTO {payments} (order_id, customer_id, status, amount_cents, brand, last4,"
                        + " decline_reason, created_at, updated_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                orderId, customerId, status.name(), amountCents, brand, last4, declineReason, at, at, event.position());
    }

    private static int status(Tables tables, JdbcTemplate jdbc, String orderId, Status status, Timestamp at) {
        return jdbc.update(tables.sql("UPDATE {payments} SET status = ?, updated_at = ? WHERE order_id = ?"),
                status.name(), at, orderId);
    }

    public static Optional<PaymentView> find(JdbcTemplate jdbc, Tables tables, String orderId) {
        return jdbc.query(tables.sql("SELECT * FROM {payments} WHERE order_id = ?"), ROW, orderId).stream().findFirst();
    }

    /** A customer's payments (or everyone's, for a null customer), newest first. */
    public static PaymentPage page(JdbcTemplate jdbc, Tables tables, String customerId, int page, int size) {
        String where = customerId == null ? "" : " WHERE customer_id = ?";
        Object[] args = customerId == null ? new Object[] {(long) page * size, size}
                : new Object[] {customerId, (long) page * size, size};
        List<PaymentView> items = jdbc.query(tables.sql("SELECT * FROM {payments}" + where
                + " ORDER BY position DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"), ROW, args);
        Long total = customerId == null
                ? jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {payments}"), Long.class)
                : jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {payments} WHERE customer_id = ?"), Long.class,
                customerId);
        return new PaymentPage(items, page, size, total == null ? 0 : total);
    }
}
