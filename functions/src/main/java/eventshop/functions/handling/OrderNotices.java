package eventshop.functions.handling;

import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderEvent.OrderShipped;
import java.util.Optional;
import java.util.UUID;

/**
 * Order notices on {@code orders.events}: the customer finds a message in the mailbox when an order
 * is confirmed, shipped or cancelled (with the reason). The order's other events send nothing.
 */
public final class OrderNotices implements Handler<OrderEvent, AccountCommand> {

    public static final String NAME = "orderNotices";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Outgoing<AccountCommand>> on(OrderEvent event, String eventId) {
        UUID id = DerivedIds.of(NAME, eventId);
        return switch (event) {
            case OrderConfirmed confirmed -> notice(id, confirmed.customerId(), MessageKind.ORDER_CONFIRMED,
                    "Order " + confirmed.orderId() + " is confirmed",
                    "Thank you for your order " + confirmed.orderId() + ". Payment is authorized and your items are"
                            + " reserved; we will tell you when it ships.");
            case OrderShipped shipped -> notice(id, shipped.customerId(), MessageKind.ORDER_SHIPPED,
                    "Order " + shipped.orderId() + " has shipped",
                    "Your order " + shipped.orderId() + " has left the warehouse and is on its way.");
            case OrderCancelled cancelled -> notice(id, cancelled.customerId(), MessageKind.ORDER_CANCELLED,
                    "Order " + cancelled.orderId() + " was cancelled",
                    "Your order " + cancelled.orderId() + " was cancelled: " + describe(cancelled.reason())
                            + (cancelled.detail() == null || cancelled.detail().isBlank() ? "" : " (" + cancelled.detail() + ")")
                            + ". Nothing was charged, or the payment is refunded.");
            // the order's other status events and saga steps are not notices; a new kind of order
            // event must not break this function, so no exhaustive switch here
            default -> Optional.empty();
        };
    }

    private static Optional<Outgoing<AccountCommand>> notice(UUID id, String customerId, MessageKind kind, String subject,
                                                             String body) {
        return Optional.of(new Outgoing<>(id, customerId, new DeliverMessage(customerId, id.toString(), kind, subject,
                body, "")));
    }

    static String describe(CancellationReason reason) {
        if (reason == null) {
            return "cancelled";
        }
        return switch (reason) {
            case OUT_OF_STOCK -> "some items are out of stock";
            case PAYMENT_DECLINED -> "the payment was declined";
            case CUSTOMER_CANCELLED -> "you cancelled it";
            case TIMED_OUT -> "it could not be completed in time";
            case ADMIN_CANCELLED -> "it was cancelled by the store";
            case ACCOUNT_SUSPENDED -> "your account is suspended";
            case ACCOUNT_ARCHIVED -> "your account is closed";
        };
    }
}
