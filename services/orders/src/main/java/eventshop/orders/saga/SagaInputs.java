package eventshop.orders.saga;

import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.contracts.payments.PaymentEvent;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.orders.order.Orders;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * What drives the saga from outside, each an {@link ExactlyOnce} consumer of group {@code orders}:
 * <ul>
 *   <li>{@code ordersCarts} ({@code carts.events}): {@code CartCheckedOut} places the order; other cart
 *       events are not the orders' business;</li>
 *   <li>{@code ordersInventory} ({@code inventory.events}): the answers on {@code reservation-<orderId>}
 *       streams ({@code StockReserved}, {@code StockReservationRejected}, {@code StockReleased},
 *       {@code StockShipped}); the sku streams are ignored;</li>
 *   <li>{@code ordersPayments} ({@code payments.events}): every payment event.</li>
 * </ul>
 * Each becomes one command to the order's decider, which ignores what does not fit the order's current
 * step; so a redelivery the event-id check misses (a crash between the append and the record) changes
 * nothing either. Unknown types are skipped (a publisher may add events); a known type that does not
 * parse is a {@link MalformedMessage}, parked without retries.
 */
@Configuration(proxyBeanMethods = false)
public class SagaInputs {

    public static final String CHECKOUTS = "orders-checkouts";
    public static final String STOCK_REPLIES = "orders-stock-replies";
    public static final String PAYMENT_REPLIES = "orders-payment-replies";

    private static final Logger LOG = LoggerFactory.getLogger(SagaInputs.class);
    private static final JsonEventCodec<CartEvent> CARTS = JsonEventCodec.of(CartEvent.class);
    private static final JsonEventCodec<InventoryEvent> INVENTORY = JsonEventCodec.of(InventoryEvent.class);
    private static final JsonEventCodec<PaymentEvent> PAYMENTS = JsonEventCodec.of(PaymentEvent.class);
    private static final int MAX_ORDER_ID = 100;

    /** Checkouts; the other cart events are passed over without a processed-message record. */
    @Bean
    public Consumer<Message<byte[]>> ordersCarts(ExactlyOnce exactlyOnce, Orders orders) {
        return message -> {
            IncomingEvent event = IncomingEvent.from(message);
            if (CartCheckedOut.class.getSimpleName().equals(event.type())) {
                exactlyOnce.process(CHECKOUTS, event, checkout -> onCartEvent(checkout, orders));
            }
        };
    }

    /** Reservation answers; the sku streams' events (most of the topic) are passed over without a record. */
    @Bean
    public Consumer<Message<byte[]>> ordersInventory(ExactlyOnce exactlyOnce, Orders orders) {
        return message -> {
            IncomingEvent event = IncomingEvent.from(message);
            if (RESERVATION_TYPES.contains(event.type())) {
                exactlyOnce.process(STOCK_REPLIES, event, reply -> onInventoryEvent(reply, orders));
            }
        };
    }

    @Bean
    public Consumer<Message<byte[]>> ordersPayments(ExactlyOnce exactlyOnce, Orders orders) {
        return exactlyOnce.consumer(PAYMENT_REPLIES, message -> onPaymentEvent(message, orders));
    }

    public static void onCartEvent(IncomingEvent message, Orders orders) {
        if (!CartCheckedOut.class.getSimpleName().equals(message.type())) {
            return;
        }
        if (message.decode(CARTS) instanceof CartCheckedOut checkout) {
            checkOrderId(checkout.orderId(), message);
            if (checkout.customerId() == null || checkout.lines() == null || checkout.lines().contains(null)) {
                throw new MalformedMessage("CartCheckedOut without customer or lines: " + message);
            }
            orders.place(checkout, message.causedContext());
        }
    }

    public static void onInventoryEvent(IncomingEvent message, Orders orders) {
        if (!message.streamId().isEmpty() && !message.streamId().startsWith("reservation-")) {
            return; // a sku's levels
        }
        if (!RESERVATION_TYPES.contains(message.type())) {
            return;
        }
        switch (message.decode(INVENTORY)) {
            case ReservationEvent reply -> {
                checkOrderId(reply.orderId(), message);
                orders.stockReply(reply, message.causedContext());
            }
            case SkuEvent sku -> {
            }
        }
    }

    public static void onPaymentEvent(IncomingEvent message, Orders orders) {
        if (!PAYMENTS.typeNames().contains(message.type())) {
            LOG.debug("ignored {}: not a payment event this service knows", message);
            return;
        }
        PaymentEvent reply = message.decode(PAYMENTS);
        checkOrderId(reply.orderId(), message);
        orders.paymentReply(reply, message.causedContext());
    }

    private static final Set<String> RESERVATION_TYPES = Set.of(
            InventoryEvent.StockReserved.class.getSimpleName(),
            InventoryEvent.StockReservationRejected.class.getSimpleName(),
            InventoryEvent.StockReleased.class.getSimpleName(),
            InventoryEvent.StockShipped.class.getSimpleName());

    private static void checkOrderId(String orderId, IncomingEvent message) {
        if (orderId == null || orderId.isBlank() || orderId.length() > MAX_ORDER_ID) {
            throw new MalformedMessage("no usable order id in " + message);
        }
    }
}
