package eventshop.payments.payment;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.payments.payment.PaymentViews.PaymentPage;
import eventshop.payments.payment.PaymentViews.PaymentView;
import eventshop.payments.payment.domain.Payment;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/payments}: the payment of an order (its customer, or an admin; another customer's is
 * 404) and a list of payments, newest first (a customer's own; an admin's: everyone's). Payments are
 * made by the commands on {@code payments.commands}, not over HTTP. Queries honour
 * {@code Consistency-Token}.
 */
@RestController
@RequestMapping("/api/payments")
class PaymentsController {

    /** An order id as the orders service makes them. */
    static final String ORDER_ID = "[A-Za-z0-9_.:-]{1,100}";

    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final EventLog eventLog;

    PaymentsController(Projections projections, JdbcTemplate jdbc, EventLog eventLog) {
        this.eventLog = eventLog;
        this.projections = projections;
        this.jdbc = jdbc;
    }

    /**
     * The payment of an order, linking itself, its events and its order. It takes no command over HTTP (payments
     * are moved by the order's saga on {@code payments.commands}), so it links none.
     */
    @GetMapping("/{orderId}")
    @PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
    EntityModel<PaymentView> payment(EdgeUser user, @PathVariable @Pattern(regexp = ORDER_ID) String orderId,
                                     @Nullable ConsistencyToken consistencyToken) {
        PaymentView payment = visible(user, orderId, consistencyToken);
        String self = Resource.path("/api/payments/{orderId}", payment.orderId());
        return Resource.of(payment, self)
                .events(self + "/events")
                .link("order", Resource.path("/api/orders/{orderId}", payment.orderId()))
                .model();
    }

    /** The payment's event log (its customer's or an administrator's; another customer's is 404), oldest first. */
    @GetMapping("/{orderId}/events")
    @PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
    List<EventLog.Entry> events(EdgeUser user, @PathVariable @Pattern(regexp = ORDER_ID) String orderId,
                                @Nullable ConsistencyToken consistencyToken,
                                @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                @RequestParam(defaultValue = "1000") @Min(1) @Max(EventLog.MAX_LIMIT) int limit) {
        visible(user, orderId, consistencyToken);
        return eventLog.read(Payment.streamId(orderId), fromVersion, limit);
    }

    /** The payment of {@code orderId} if {@code user} may see it: its customer, or an administrator. */
    private PaymentView visible(EdgeUser user, String orderId, @Nullable ConsistencyToken consistencyToken) {
        return projections.read(PaymentViews.NAME, consistencyToken,
                        tables -> PaymentViews.find(jdbc, tables, orderId))
                .filter(view -> user.hasRole(EdgeToken.ADMIN) || user.id().equals(view.customerId()))
                .orElseThrow(() -> new PaymentNotFound(orderId));
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
    PaymentPage payments(EdgeUser user, @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
                         @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size,
                         @Nullable ConsistencyToken consistencyToken) {
        String customer = user.hasRole(EdgeToken.ADMIN) ? null : user.id();
        return projections.read(PaymentViews.NAME, consistencyToken,
                tables -> PaymentViews.page(jdbc, tables, customer, page, size));
    }
}
