package eventshop.carts.restoring;

import eventshop.carts.cart.Carts;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.decider.JsonEventCodec;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Gives a customer the lines of an order back when the order is cancelled before it was confirmed (a
 * declined card, out of stock, a time-out, or the customer's cancel while it was still being placed), so
 * that they can check out again, say with another card: the Spring Cloud Stream consumer
 * {@code cancelledOrders} of {@code orders.events}, group {@code carts} (see {@code carts.yml}).
 *
 * <p>Only {@code OrderCancelled} is read, once per event id ({@link ExactlyOnce}); every other order event
 * is passed over without a record. Whether the order had been confirmed is on the event itself
 * ({@code previousStatus}, decided by the order, which knows): PLACED, STOCK_RESERVED and
 * PAYMENT_AUTHORIZED give the lines back, CONFIRMED or later gives nothing back, and so does a
 * cancellation recorded before the field existed (null: unknown, and giving back an old order's lines
 * into today's cart would be wrong). The lines come from the cart's own {@code CartCheckedOut} of that
 * order ({@link Carts#restore}), which also makes the restore idempotent beyond the event-id check.
 * A known type that does not parse fails, and after the retries is parked.
 */
@Configuration(proxyBeanMethods = false)
public class CancelledOrdersFeed {

    /** The consumer's name in {@code processed_messages}. */
    public static final String CONSUMER = "carts-restores";

    /** The statuses of an order that was not confirmed yet. */
    public static final Set<OrderStatus> BEFORE_CONFIRMATION =
            EnumSet.of(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED, OrderStatus.PAYMENT_AUTHORIZED);

    private static final Logger log = LoggerFactory.getLogger(CancelledOrdersFeed.class);
    private static final JsonEventCodec<OrderEvent> CODEC = JsonEventCodec.of(OrderEvent.class);
    private static final String CANCELLED = OrderCancelled.class.getSimpleName();

    @Bean
    public Consumer<Message<byte[]>> cancelledOrders(ExactlyOnce exactlyOnce, Carts carts) {
        return message -> {
            IncomingEvent event = IncomingEvent.from(message);
            if (CANCELLED.equals(event.type())) {
                exactlyOnce.process(CONSUMER, event, cancelled -> apply(cancelled, carts));
            }
        };
    }

    static void apply(IncomingEvent event, Carts carts) {
        OrderCancelled cancelled = (OrderCancelled) CODEC.deserialize(event.type(), event.data(), event.schemaVersion());
        if (cancelled.customerId() == null || cancelled.orderId() == null) {
            throw new IllegalArgumentException("OrderCancelled without customer or order: " + event);
        }
        if (cancelled.previousStatus() == null || !BEFORE_CONFIRMATION.contains(cancelled.previousStatus())) {
            log.debug("order {} was cancelled when {}: nothing to give back", cancelled.orderId(),
                    cancelled.previousStatus());
            return;
        }
        carts.restore(cancelled.customerId(), cancelled.orderId(), event.causedContext());
    }
}
