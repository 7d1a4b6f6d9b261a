package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.SharedStore.Customer;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.tracing.CollectedSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One checkout is one trace, from the HTTP request at edge through every service's log, every Kafka hop and
 * every consumer to the views' read model, on the {@link SharedStore}: every context exports its spans to
 * {@link CollectedSpans}, and the client starts the trace with its own {@code traceparent}, so the test knows
 * which trace to follow. Each hop is looked up by service, kind, name and event, as the child of the hop
 * before it.
 */
class CheckoutTraceTest {

    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("event.type");

    private static SharedStore shop;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
    }

    @Test
    void oneCheckout_isOneTrace_fromEdgeThroughEveryServiceAndKafkaHop_toTheViews() {
        // given
        String sku = shop.product(2_500, 5);
        Customer ada = shop.customer(SharedStore.APPROVES);

        // when the client checks out in its own trace
        String[] trace = checkOutTraced(ada, sku, "DELIVERED");

        // then every hop is in that trace, each the child of the one that caused it
        await().atMost(SharedStore.PATIENCE).untilAsserted(() -> followTheCheckout(trace[0], trace[1]));
    }

    @Test
    void aDeclinedPayment_compensatesInTheCheckoutsTrace() {
        // given
        String sku = shop.product(1_500, 5);
        Customer bob = shop.customer(SharedStore.DECLINES);

        // when
        String[] trace = checkOutTraced(bob, sku, "CANCELLED");

        // then the decline, the cancellation, the stock's release and the cart's restoring are in the trace
        await().atMost(SharedStore.PATIENCE).untilAsserted(() -> followTheCompensation(trace[0], trace[1]));
    }

    /** Checks out in a new trace the client starts, and waits for the order to reach {@code status}; its ids. */
    private static String[] checkOutTraced(Customer customer, String sku, String status) {
        shop.addToCart(customer, sku, 2);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String clientSpan = traceId.substring(0, 16);
        CollectedSpans.watch(traceId);
        EdgeClient.Response accepted = shop.edge.send("POST", "/api/cart/checkout",
                SharedStore.checkoutBody(customer.card()), customer.session(),
                Map.of("traceparent", "00-" + traceId + "-" + clientSpan + "-01"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        shop.awaitStatus(customer, accepted.body().get("orderId").asString(), status);
        return new String[] {traceId, clientSpan};
    }

    private static void followTheCompensation(String traceId, String clientSpan) {
        Trace trace = new Trace(CollectedSpans.of(traceId));
        SpanData edgeServer = trace.childOf(clientSpan, "edge", SpanKind.SERVER, "http post /api/cart/**", null);
        SpanData edgeClient = trace.descendantOf(edgeServer, "edge", SpanKind.CLIENT, "http post");
        SpanData checkout = trace.childOf(edgeClient, "carts", SpanKind.SERVER, "http post /api/cart/checkout", null);
        SpanData checkedOut = trace.childOf(checkout, "carts", SpanKind.PRODUCER, "publish carts.events", "CartCheckedOut");
        SpanData placing = trace.childOf(checkedOut, "orders", SpanKind.CONSUMER, "consume orders-checkouts",
                "CartCheckedOut");
        SpanData reserve = trace.childOf(placing, "orders", SpanKind.PRODUCER, "publish inventory.commands",
                "ReserveStock");
        SpanData reserving = trace.childOf(reserve, "inventory", SpanKind.CONSUMER, "consume inventory-commands",
                "ReserveStock");
        SpanData reserved = trace.childOf(reserving, "inventory", SpanKind.PRODUCER, "publish inventory.events",
                "StockReserved");
        SpanData onReserved = trace.childOf(reserved, "orders", SpanKind.CONSUMER, "consume orders-stock-replies",
                "StockReserved");
        SpanData authorize = trace.childOf(onReserved, "orders", SpanKind.PRODUCER, "publish payments.commands",
                "AuthorizePayment");
        SpanData authorizing = trace.childOf(authorize, "payments", SpanKind.CONSUMER, "consume payments-commands",
                "AuthorizePayment");
        // the decline, and what orders does about it
        SpanData declined = trace.childOf(authorizing, "payments", SpanKind.PRODUCER, "publish payments.events",
                "PaymentDeclined");
        SpanData onDeclined = trace.childOf(declined, "orders", SpanKind.CONSUMER, "consume orders-payment-replies",
                "PaymentDeclined");
        SpanData cancelled = trace.childOf(onDeclined, "orders", SpanKind.PRODUCER, "publish orders.events",
                "OrderCancelled");
        trace.childOf(cancelled, "views", SpanKind.CONSUMER, "project views", "OrderCancelled");
        trace.childOf(cancelled, "carts", SpanKind.CONSUMER, "consume carts-restores", "OrderCancelled");
        SpanData release = trace.childOf(onDeclined, "orders", SpanKind.PRODUCER, "publish inventory.commands",
                "ReleaseStock");
        SpanData releasing = trace.childOf(release, "inventory", SpanKind.CONSUMER, "consume inventory-commands",
                "ReleaseStock");
        SpanData released = trace.childOf(releasing, "inventory", SpanKind.PRODUCER, "publish inventory.events",
                "StockReleased");
        trace.childOf(released, "orders", SpanKind.CONSUMER, "consume orders-stock-replies", "StockReleased");
        trace.childOf(released, "views", SpanKind.CONSUMER, "project views", "StockReleased");
        assertThat(trace.spans).filteredOn(span -> trace.byId(span.getParentSpanId()) == null)
                .as(trace.toString()).singleElement().isSameAs(edgeServer);
    }

    private static void followTheCheckout(String traceId, String clientSpan) {
        Trace trace = new Trace(CollectedSpans.of(traceId));
        // HTTP: edge takes the request and forwards it (through its breaker) to carts
        SpanData edgeServer = trace.childOf(clientSpan, "edge", SpanKind.SERVER, "http post /api/cart/**", null);
        SpanData edgeClient = trace.descendantOf(edgeServer, "edge", SpanKind.CLIENT, "http post");
        SpanData checkout = trace.childOf(edgeClient, "carts", SpanKind.SERVER, "http post /api/cart/checkout", null);
        // carts' log, its relay, and the consumers of carts.events
        SpanData checkedOut = trace.childOf(checkout, "carts", SpanKind.PRODUCER, "publish carts.events", "CartCheckedOut");
        trace.childOf(checkedOut, "views", SpanKind.CONSUMER, "project views", "CartCheckedOut");
        SpanData placing = trace.childOf(checkedOut, "orders", SpanKind.CONSUMER, "consume orders-checkouts",
                "CartCheckedOut");
        SpanData placed = trace.childOf(placing, "orders", SpanKind.PRODUCER, "publish orders.events", "OrderPlaced");
        trace.childOf(placed, "views", SpanKind.CONSUMER, "project views", "OrderPlaced");
        // reserve stock: a command to inventory, its reply back to orders
        SpanData reserve = trace.childOf(placing, "orders", SpanKind.PRODUCER, "publish inventory.commands",
                "ReserveStock");
        SpanData reserving = trace.childOf(reserve, "inventory", SpanKind.CONSUMER, "consume inventory-commands",
                "ReserveStock");
        SpanData reserved = trace.childOf(reserving, "inventory", SpanKind.PRODUCER, "publish inventory.events",
                "StockReserved");
        trace.childOf(reserved, "catalog", SpanKind.CONSUMER, "consume catalog-stock-levels", "StockReserved");
        trace.childOf(reserved, "views", SpanKind.CONSUMER, "project views", "StockReserved");
        SpanData onReserved = trace.childOf(reserved, "orders", SpanKind.CONSUMER, "consume orders-stock-replies",
                "StockReserved");
        // authorize the payment
        SpanData authorize = trace.childOf(onReserved, "orders", SpanKind.PRODUCER, "publish payments.commands",
                "AuthorizePayment");
        SpanData authorizing = trace.childOf(authorize, "payments", SpanKind.CONSUMER, "consume payments-commands",
                "AuthorizePayment");
        SpanData authorized = trace.childOf(authorizing, "payments", SpanKind.PRODUCER, "publish payments.events",
                "PaymentAuthorized");
        SpanData onAuthorized = trace.childOf(authorized, "orders", SpanKind.CONSUMER,
                "consume orders-payment-replies", "PaymentAuthorized");
        SpanData confirmed = trace.childOf(onAuthorized, "orders", SpanKind.PRODUCER, "publish orders.events",
                "OrderConfirmed");
        trace.childOf(confirmed, "views", SpanKind.CONSUMER, "project views", "OrderConfirmed");
        // capture, ship, and the carrier's delivery (a deadline of the order, in the same trace)
        SpanData capture = trace.childOf(onAuthorized, "orders", SpanKind.PRODUCER, "publish payments.commands",
                "CapturePayment");
        SpanData capturing = trace.childOf(capture, "payments", SpanKind.CONSUMER, "consume payments-commands",
                "CapturePayment");
        SpanData captured = trace.childOf(capturing, "payments", SpanKind.PRODUCER, "publish payments.events",
                "PaymentCaptured");
        SpanData onCaptured = trace.childOf(captured, "orders", SpanKind.CONSUMER, "consume orders-payment-replies",
                "PaymentCaptured");
        SpanData ship = trace.childOf(onCaptured, "orders", SpanKind.PRODUCER, "publish inventory.commands",
                "ShipStock");
        SpanData shipping = trace.childOf(ship, "inventory", SpanKind.CONSUMER, "consume inventory-commands",
                "ShipStock");
        SpanData shippedStock = trace.childOf(shipping, "inventory", SpanKind.PRODUCER, "publish inventory.events",
                "StockShipped");
        SpanData onShipped = trace.childOf(shippedStock, "orders", SpanKind.CONSUMER, "consume orders-stock-replies",
                "StockShipped");
        SpanData shipped = trace.childOf(onShipped, "orders", SpanKind.PRODUCER, "publish orders.events",
                "OrderShipped");
        trace.childOf(shipped, "views", SpanKind.CONSUMER, "project views", "OrderShipped");
        SpanData delivery = trace.childOf(onShipped, "orders", SpanKind.INTERNAL, "deadline DELIVER", null);
        SpanData delivered = trace.childOf(delivery, "orders", SpanKind.PRODUCER, "publish orders.events",
                "OrderDelivered");
        trace.childOf(delivered, "views", SpanKind.CONSUMER, "project views", "OrderDelivered");
        // and nothing of the checkout left the trace: its only root is the client's request
        assertThat(trace.spans).filteredOn(span -> trace.byId(span.getParentSpanId()) == null)
                .as(trace.toString()).singleElement().isSameAs(edgeServer);
    }

    /** The spans of one trace, with the lookups that follow it hop by hop. */
    private record Trace(List<SpanData> spans) {

        SpanData childOf(SpanData parent, String service, SpanKind kind, String name, String eventType) {
            return childOf(parent.getSpanId(), service, kind, name, eventType);
        }

        SpanData childOf(String parentId, String service, SpanKind kind, String name, String eventType) {
            List<SpanData> found = spans.stream().filter(span -> span.getParentSpanId().equals(parentId))
                    .filter(span -> is(span, service, kind, name))
                    .filter(span -> eventType == null || eventType.equals(span.getAttributes().get(EVENT_TYPE)))
                    .toList();
            assertThat(found).as("the %s span '%s' %s of %s in %s, child of %s, in\n%s", kind, name,
                    eventType == null ? "" : eventType, service, "its trace", parentId, this).hasSize(1);
            return found.getFirst();
        }

        SpanData descendantOf(SpanData ancestor, String service, SpanKind kind, String name) {
            List<SpanData> found = spans.stream().filter(span -> is(span, service, kind, name))
                    .filter(span -> descends(span, ancestor)).toList();
            assertThat(found).as("the %s span '%s' of %s under %s, in\n%s", kind, name, service,
                    ancestor.getSpanId(), this).hasSize(1);
            return found.getFirst();
        }

        SpanData byId(String spanId) {
            return spans.stream().filter(span -> span.getSpanId().equals(spanId)).findFirst().orElse(null);
        }

        private boolean descends(SpanData span, SpanData ancestor) {
            for (SpanData at = byId(span.getParentSpanId()); at != null; at = byId(at.getParentSpanId())) {
                if (at.getSpanId().equals(ancestor.getSpanId())) {
                    return true;
                }
            }
            return false;
        }

        private static boolean is(SpanData span, String service, SpanKind kind, String name) {
            return service.equals(span.getResource().getAttribute(SERVICE)) && span.getKind() == kind
                    && span.getName().equals(name);
        }

        @Override
        public String toString() {
            return spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                    .map(span -> "  " + span.getResource().getAttribute(SERVICE) + " " + span.getKind() + " '"
                            + span.getName() + "' " + span.getSpanId() + " <- " + span.getParentSpanId()
                            + (span.getAttributes().get(EVENT_TYPE) == null ? "" : " " + span.getAttributes().get(EVENT_TYPE)))
                    .collect(Collectors.joining("\n"));
        }
    }
}
