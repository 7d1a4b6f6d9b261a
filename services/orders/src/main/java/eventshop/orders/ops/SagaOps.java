package eventshop.orders.ops;

import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.ops.OpsAutoConfiguration;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventstore.InvalidRequest;
import eventshop.orders.deadlines.Deadlines;
import eventshop.orders.order.OrderStatuses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operations console's questions about checkouts (docs/operations.md, "Orders: the sagas"), admin only:
 * a customer's orders, to find their sagas, and the orders stuck past their deadlines. An order is stuck when it
 * is not in a terminal state (DELIVERED, CANCELLED) and either a deadline it waits for passed more than
 * {@code grace} ago (the scheduler should have acted on it: retried, compensated or cancelled), or it waits for
 * no deadline at all and has had its status for longer than {@code grace} (nothing will ever move it on). Both
 * come from orders' own read models ({@code order_status}, {@code deadlines}).
 */
@RestController
@RequestMapping(OpsAutoConfiguration.BASE_PATH + "/sagas")
@PreAuthorize("hasRole('ADMIN')")
public class SagaOps {

    static final List<OrderStatus> NOT_TERMINAL = List.of(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED,
            OrderStatus.PAYMENT_AUTHORIZED, OrderStatus.CONFIRMED, OrderStatus.SHIPPED);
    private static final int LIMIT = 200;
    private static final Duration MAX_GRACE = Duration.ofDays(7);

    /**
     * An order stuck past its deadline.
     *
     * @param waitingFor the step whose deadline passed, null if it waits for none
     * @param attempt    that step's attempt, 0 if none
     * @param deadline   when it should have moved on: the passed deadline, or its status's start plus the grace
     */
    public record Stuck(String orderId, String customerId, OrderStatus status, Instant placedAt, Instant statusSince,
                        String correlationId, @Nullable String waitingFor, int attempt, Instant deadline,
                        long overdueSeconds) {
    }

    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SagaOps(Projections projections, JdbcTemplate jdbc, Clock clock) {
        this.projections = projections;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The customer's orders, newest first (at most 200). */
    @GetMapping
    public List<OrderStatuses.Row> ofCustomer(@RequestParam String customer) {
        if (customer.isBlank() || customer.length() > 100) {
            throw new InvalidRequest("customer must be a customer id (1..100 characters)");
        }
        return projections.read(OrderStatuses.NAME,
                tables -> OrderStatuses.ofCustomer(jdbc, tables, customer.strip(), LIMIT));
    }

    /** The orders stuck past their deadlines, most overdue first (at most 200). */
    @GetMapping("/stuck")
    public List<Stuck> stuck(@RequestParam(defaultValue = "PT10S") String grace) {
        Duration allowed = grace(grace);
        Instant now = clock.instant();
        Instant passed = now.minus(allowed);
        List<Stuck> stuck = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Deadlines.Due due : projections.read(Deadlines.NAME, tables -> Deadlines.due(jdbc, tables, passed, LIMIT))) {
            projections.read(OrderStatuses.NAME, tables -> OrderStatuses.one(jdbc, tables, due.orderId()))
                    .filter(order -> NOT_TERMINAL.contains(order.status()) && seen.add(order.orderId()))
                    .ifPresent(order -> stuck.add(stuck(order, due.step().name(), due.attempt(), due.dueAt(), now)));
        }
        for (OrderStatuses.Row order : projections.read(OrderStatuses.NAME,
                tables -> OrderStatuses.since(jdbc, tables, NOT_TERMINAL, passed, LIMIT))) {
            if (!seen.contains(order.orderId()) && projections.read(Deadlines.NAME,
                    tables -> Deadlines.of(jdbc, tables, order.orderId())).isEmpty()) {
                seen.add(order.orderId());
                stuck.add(stuck(order, null, 0, order.statusSince().plus(allowed), now));
            }
        }
        stuck.sort(Comparator.comparingLong(Stuck::overdueSeconds).reversed().thenComparing(Stuck::orderId));
        return stuck.size() > LIMIT ? stuck.subList(0, LIMIT) : stuck;
    }

    private static Stuck stuck(OrderStatuses.Row order, @Nullable String step, int attempt, Instant deadline,
                               Instant now) {
        return new Stuck(order.orderId(), order.customerId(), order.status(), order.placedAt(), order.statusSince(),
                order.correlationId(), step, attempt, deadline, Duration.between(deadline, now).toSeconds());
    }

    private static Duration grace(String text) {
        try {
            Duration grace = Duration.parse(text);
            if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
                throw new InvalidRequest("grace must be between PT0S and " + MAX_GRACE + ", not " + text);
            }
            return grace;
        } catch (DateTimeParseException e) {
            throw new InvalidRequest("grace must be an ISO-8601 duration such as PT10S, not " + text);
        }
    }
}
