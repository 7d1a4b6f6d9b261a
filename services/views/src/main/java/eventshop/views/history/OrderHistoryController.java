package eventshop.views.history;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.views.model.Views;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code GET /api/orders} as orders answers it (edge may route it here): the caller's own orders,
 * newest first, paged; an admin sees every order, or one customer's with {@code customerId}.
 * Honours {@code Consistency-Token} from any service the views follow (orders, carts, ...).
 */
@RestController
class OrderHistoryController {

    private final Projections projections;
    private final JdbcTemplate jdbc;

    OrderHistoryController(Projections projections, JdbcTemplate jdbc) {
        this.projections = projections;
        this.jdbc = jdbc;
    }

    /** A page of orders, each linking its own resource at orders ({@code self}) and its event log. */
    record Page(List<EntityModel<OrderHistory.Summary>> items, int page, int size, long total) {
    }

    /**
     * The page links itself; each order links {@code self} and {@code events}, which orders answers. No command:
     * whether an order may still be cancelled is the order's own resource's to say ({@code GET /api/orders/{id}}),
     * from its saga's state, which the list does not know.
     */
    @GetMapping("/api/orders")
    @PreAuthorize("hasAnyRole('CUSTOMER','ADMIN')")
    EntityModel<Page> list(EdgeUser user, @Nullable ConsistencyToken token,
                           @RequestParam(required = false) @Pattern(regexp = "[A-Za-z0-9@._-]{1,100}") @Nullable String customerId,
                           @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
                           @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
        String customer = user.hasRole(EdgeToken.ADMIN) ? customerId : user.id();
        Page found = projections.read(Views.NAME, token, tables -> new Page(
                OrderHistory.page(jdbc, tables, customer, (long) page * size, size).stream()
                        .map(OrderHistoryController::resource).toList(),
                page, size, OrderHistory.total(jdbc, tables, customer)));
        UriComponentsBuilder self = UriComponentsBuilder.fromPath("/api/orders").queryParam("page", page)
                .queryParam("size", size);
        if (user.hasRole(EdgeToken.ADMIN) && customerId != null) {
            self.queryParam("customerId", customerId);
        }
        return Resource.of(found, self.encode().toUriString()).model();
    }

    private static EntityModel<OrderHistory.Summary> resource(OrderHistory.Summary order) {
        String self = Resource.path("/api/orders/{orderId}", order.orderId());
        return Resource.of(order, self).events(self + "/events").model();
    }
}
