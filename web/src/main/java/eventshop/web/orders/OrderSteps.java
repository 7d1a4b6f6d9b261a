package eventshop.web.orders;

import eventshop.web.calls.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the live order page shows: the saga's steps as they happened, each with the time since checkout, and a
 * cancellation in words. The state is the order as the page knows it; {@link #with} adds a step learned from
 * {@code orders.events} (a step it has already is kept as it was, so a redelivered or raced event changes
 * nothing). The public status events name the steps: {@code OrderPlaced} is PLACED, and so on.
 *
 * @param orderId       the order
 * @param status        its current status (the last step)
 * @param steps         the steps in the order they happened
 * @param cancellation  the cancellation in words, or null
 * @param cancellable   whether the order offers cancel (the order's {@code cancel} link when the page rendered,
 *                      until a later step than CONFIRMED arrives)
 * @param csrf          the page's CSRF token, for the cancel form
 */
public record OrderSteps(String orderId, String status, List<Step> steps, @Nullable String cancellation,
                         boolean cancellable, String csrf) {

    /** One step: its status, what to call it, when it happened and how long after the checkout. */
    public record Step(String status, String label, Instant at, String sinceCheckout) {
    }

    /** The public status events of {@code orders.events} and the status each one records. */
    static final Map<String, String> STATUS_OF_EVENT = Map.of(
            "OrderPlaced", "PLACED",
            "OrderStockReserved", "STOCK_RESERVED",
            "OrderPaymentAuthorized", "PAYMENT_AUTHORIZED",
            "OrderConfirmed", "CONFIRMED",
            "OrderShipped", "SHIPPED",
            "OrderDelivered", "DELIVERED",
            "OrderCancelled", "CANCELLED");

    private static final Map<String, String> LABELS = Map.of(
            "PLACED", "Order placed",
            "STOCK_RESERVED", "Stock reserved",
            "PAYMENT_AUTHORIZED", "Payment authorized",
            "CONFIRMED", "Confirmed",
            "SHIPPED", "Shipped",
            "DELIVERED", "Delivered",
            "CANCELLED", "Cancelled");

    /** Statuses after which an order can no longer be cancelled. */
    private static final Set<String> PAST_CANCELLING = Set.of("SHIPPED", "DELIVERED", "CANCELLED");

    public OrderSteps {
        steps = List.copyOf(steps);
    }

    /** The steps of an order as its owner's API shows it. */
    public static OrderSteps of(Api.Order order, String csrf) {
        List<Step> steps = new ArrayList<>();
        Instant placed = order.timeline().isEmpty() ? null : order.timeline().getFirst().at();
        for (Api.TimelineEntry entry : order.timeline()) {
            steps.add(step(entry.status(), entry.at(), placed));
        }
        boolean cancellable = order._links() != null && order._links().containsKey("cancel");
        String cancellation = "CANCELLED".equals(order.status())
                ? inWords(order.cancellationReason(), order.cancellationDetail(), previous(order.timeline())) : null;
        return new OrderSteps(order.orderId(), order.status(), steps, cancellation, cancellable, csrf);
    }

    /** This order with a step learned from an event (unchanged if it has the step already). */
    public OrderSteps with(String status, Instant at, @Nullable String reason, @Nullable String detail,
                           @Nullable String previousStatus) {
        if (steps.stream().anyMatch(step -> step.status().equals(status))) {
            return this;
        }
        Instant placed = steps.isEmpty() ? at : steps.getFirst().at();
        List<Step> more = new ArrayList<>(steps);
        more.add(step(status, at, placed));
        String cancellation = "CANCELLED".equals(status) ? inWords(reason, detail, previousStatus) : this.cancellation;
        return new OrderSteps(orderId, status, more, cancellation, cancellable && !PAST_CANCELLING.contains(status), csrf);
    }

    public String statusLabel() {
        return LABELS.getOrDefault(status, status);
    }

    private static Step step(String status, Instant at, @Nullable Instant placed) {
        return new Step(status, LABELS.getOrDefault(status, status), at,
                placed == null ? "" : since(Duration.between(placed, at)));
    }

    /** {@code +0.4 s}, {@code +12 s}, {@code +3 min 5 s} after checkout. */
    static String since(Duration elapsed) {
        long millis = Math.max(0, elapsed.toMillis());
        if (millis < 10_000) {
            return String.format(Locale.ROOT, "+%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        return seconds < 60 ? "+" + seconds + " s" : "+" + seconds / 60 + " min " + seconds % 60 + " s";
    }

    private static @Nullable String previous(List<Api.TimelineEntry> timeline) {
        return timeline.size() < 2 ? null : timeline.get(timeline.size() - 2).status();
    }

    /**
     * A cancellation as the customer reads it: why, and what the store gives back. Stock is reserved from
     * STOCK_RESERVED on and released by the compensation; a payment is authorized from PAYMENT_AUTHORIZED on and
     * voided (before capture) or refunded (after confirmation).
     */
    static String inWords(@Nullable String reason, @Nullable String detail, @Nullable String previousStatus) {
        boolean reserved = previousStatus != null && !"PLACED".equals(previousStatus);
        boolean authorized = "PAYMENT_AUTHORIZED".equals(previousStatus);
        boolean captured = "CONFIRMED".equals(previousStatus) || "SHIPPED".equals(previousStatus);
        String why = switch (reason == null ? "" : reason) {
            case "OUT_OF_STOCK" -> "out of stock: not every item could be reserved";
            case "PAYMENT_DECLINED" -> "payment declined" + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
            case "CUSTOMER_CANCELLED" -> "cancelled at your request";
            case "TIMED_OUT" -> "a step took too long";
            default -> "cancelled" + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
        };
        List<String> given = new ArrayList<>();
        if (reserved) {
            given.add("your reserved items were released");
        }
        if (authorized) {
            given.add("the payment authorization was voided");
        }
        if (captured) {
            given.add("your payment was refunded");
        }
        if (given.isEmpty()) {
            given.add("nothing was charged");
        }
        return why + ": " + String.join(", ", given);
    }
}
