package eventshop.orders.history;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.Correlation;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.Limits;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderMessages;
import eventshop.orders.order.domain.OrderErrors.OrderNotFound;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/orders/{id}}: a customer's own order (another's is 404), any order for an admin. The list of
 * orders ({@code GET /api/orders}) is not here: edge routes it to the views service, the one owner of that
 * read. An order's detail and events are read from its stream, so they are always as new as the last command
 * of orders. They accept orders' tokens (nothing to wait for) and carts' tokens: a checkout's
 * {@code carts:...} token waits (bounded, then 503) until the consumer of {@code carts.events} has processed
 * that checkout, so the order is there, or it truly does not exist (404). Both answer with a
 * {@code Consistency-Token} of the order's last published event (its last status change, as
 * {@code orders.events} carries it), to pass on to the next read: of the views, of the cart, which wait for
 * that record on the topic. A later step of the saga is no position they could wait for: it is never
 * published. Cancel answers with the order and a {@code Consistency-Token}; once the shipment
 * is requested it is a 409 problem. The order links itself, its events and, while it may be cancelled,
 * {@code cancel} (HAL {@code _links}, {@link Resource}).
 */
@RestController
@RequestMapping("/api/orders")
public class OrderController {

    /** Order ids are UUIDs as carts makes them; anything shaped otherwise is no order. */
    public static final String ORDER_ID = "[A-Za-z0-9-]{1,100}";
    private static final String CUSTOMER_OR_ADMIN = "hasAnyRole('CUSTOMER','ADMIN')";

    private final Orders orders;
    private final CommandContexts contexts;
    private final EventLog eventLog;
    private final ReadYourWrites readYourWrites;
    private final String serviceName;
    /** An order's stream (always current for orders' tokens), placed from checkouts the consumer of carts.events processed. */
    private final ReadModelProgress detail;
    /** Opens the shipping address where an order is shown (docs/privacy.md). */
    private final Sealing sealing;

    public OrderController(Orders orders, CommandContexts contexts, EventLog eventLog, ReadYourWrites readYourWrites,
                           ConsumerProgress consumed, EventSourcingProperties service, Sealing sealing) {
        this.sealing = sealing;
        this.orders = orders;
        this.contexts = contexts;
        this.eventLog = eventLog;
        this.readYourWrites = readYourWrites;
        this.serviceName = service.serviceName();
        this.detail = ReadModelProgress.anyOf("order", ReadModelProgress.current("order", serviceName),
                consumed.readModel("order", "carts"));
    }

    @GetMapping("/{orderId}")
    @PreAuthorize(CUSTOMER_OR_ADMIN)
    public ResponseEntity<EntityModel<OrderView>> order(EdgeUser user,
                                                        @PathVariable @Pattern(regexp = ORDER_ID) String orderId,
                                                        @Nullable ConsistencyToken token) {
        readYourWrites.await(detail, token);
        Shown shown = show(user, orderId);
        return ResponseEntity.ok().header(ConsistencyToken.HEADER, shown.token().toString())
                .body(shown.resource(sealing));
    }

    /** The order's event log, oldest first, {@code limit} events from {@code fromVersion}. */
    @GetMapping("/{orderId}/events")
    @PreAuthorize(CUSTOMER_OR_ADMIN)
    public ResponseEntity<List<EventLog.Entry>> events(EdgeUser user,
                                                       @PathVariable @Pattern(regexp = ORDER_ID) String orderId,
                                                       @Nullable ConsistencyToken token,
                                                       @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                                       @RequestParam(defaultValue = "1000") @Min(1)
                                                       @Max(EventLog.MAX_LIMIT) int limit) {
        readYourWrites.await(detail, token);
        Shown shown = show(user, orderId); // 404 unless the caller may see it
        return ResponseEntity.ok().header(ConsistencyToken.HEADER, shown.token().toString())
                .body(eventLog.read(Order.streamId(orderId), fromVersion, limit));
    }

    /**
     * Cancels the order, with compensation (release stock, void or refund the payment): recorded as the
     * customer's cancel when its customer asks, as an administrator's ({@code ADMIN_CANCELLED}) when an
     * administrator cancels someone else's order; the acting user is in the event's metadata either way.
     */
    @PostMapping("/{orderId}/cancel")
    @PreAuthorize(CUSTOMER_OR_ADMIN)
    public ResponseEntity<EntityModel<OrderView>> cancel(EdgeUser user,
                                                         @PathVariable @Pattern(regexp = ORDER_ID) String orderId,
                                                         Correlation correlation) {
        OrderView order = view(user, orderId);
        Order.Canceller by = order.customerId().equals(user.id()) ? Order.Canceller.CUSTOMER : Order.Canceller.ADMIN;
        String conversation = correlation.id() != null ? correlation.id()
                : orders.correlationOf(orderId).orElse(null);
        orders.cancel(orderId, by, contexts.create(user.id(), conversation));
        Shown cancelled = show(user, orderId);
        return ResponseEntity.ok().header(ConsistencyToken.HEADER, cancelled.token().toString())
                .body(cancelled.resource(sealing));
    }

    /**
     * An order as shown, and the token of its last published event: what the view is as of for every reader
     * outside orders (orders' own reads need no wait: they fold the stream).
     */
    private record Shown(OrderView view, Order.State state, ConsistencyToken token) {

        /**
         * The order, its personal data opened, with its links: itself, its events, and {@code cancel} while {@link Order#cancellable} (its
         * customer and an administrator may both cancel it).
         */
        EntityModel<OrderView> resource(Sealing sealing) {
            String self = Resource.path("/api/orders/{orderId}", view.orderId());
            return Resource.of(view.opened(sealing), self)
                    .events(self + "/events")
                    .command("cancel", self + "/cancel", Order.cancellable(state))
                    .model();
        }
    }

    private OrderView view(EdgeUser user, String orderId) {
        return show(user, orderId).view();
    }

    private Shown show(EdgeUser user, String orderId) {
        List<RecordedEvent> events = orders.events(orderId, 0, Limits.MAX_READ_LIMIT);
        if (events.isEmpty()) {
            throw new OrderNotFound(orderId);
        }
        OrderView.Folded folded = OrderView.fold(events, orders::decode);
        OrderView view = folded.view();
        if (!admin(user) && !view.customerId().equals(user.id())) {
            throw new OrderNotFound(orderId);
        }
        RecordedEvent published = events.reversed().stream()
                .filter(event -> OrderMessages.of(orders.decode(event)) instanceof OrderMessages.Publish)
                .findFirst().orElseThrow(() -> new IllegalStateException("the stream has no OrderPlaced"));
        return new Shown(view, folded.state(),
                new ConsistencyToken(serviceName, published.position(), published.streamId()));
    }

    private static boolean admin(EdgeUser user) {
        return user.hasRole(EdgeToken.ADMIN);
    }
}
