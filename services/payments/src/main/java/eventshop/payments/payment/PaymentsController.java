package eventshop.payments.payment;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.payments.payment.PaymentViews.PaymentPage;
import eventshop.payments.payment.PaymentViews.PaymentView;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;
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

    PaymentsController(Projections projections, JdbcTemplate jdbc) {
        this.projections = projections;
        this.jdbc = jdbc;
    }

    @GetMapping("/{orderId}")
    @PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
    PaymentView payment(EdgeUser user, @PathVariable @Pattern(regexp = ORDER_ID) String orderId,
                        @Nullable ConsistencyToken consistencyToken) {
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
