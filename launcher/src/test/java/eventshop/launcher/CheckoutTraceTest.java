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

    private static void followTheCheckout(String traceId, String clientSpan) {
        Trace trace = new Trace(CollectedSpans.of(traceId));
        // HTTP: edge takes the request and forwards it (through its breaker) to carts; carts' log, its relay, and
        // the consumers of carts.events
        SpanData edge = trace.edgeServer(clientSpan);
        SpanData checkedOut = trace.checkedOut(edge);
        trace.projected(checkedOut, "CartCheckedOut");
        SpanData placing = trace.consumed(checkedOut, "orders", "orders-checkouts", "CartCheckedOut");
        trace.orderEvent(placing, "OrderPlaced");
        // reserve stock: a command to inventory, its reply back to orders
        Reply reserved = trace.asked(placing, "inventory", "ReserveStock", "StockReserved", "orders-stock-replies");
        trace.consumed(reserved.sent(), "catalog", "catalog-stock-levels", "StockReserved");
        trace.projected(reserved.sent(), "StockReserved");
        // authorize the payment
        Reply authorized = trace.asked(reserved.received(), "payments", "AuthorizePayment", "PaymentAuthorized",
                "orders-payment-replies");
        trace.orderEvent(authorized.received(), "OrderConfirmed");
        // capture, ship, and the carrier's delivery (a deadline of the order, in the same trace)
        Reply captured = trace.asked(authorized.received(), "payments", "CapturePayment", "PaymentCaptured",
                "orders-payment-replies");
        Reply shipped = trace.asked(captured.received(), "inventory", "ShipStock", "StockShipped",
                "orders-stock-replies");
        trace.orderEvent(shipped.received(), "OrderShipped");
        SpanData delivery = trace.childOf(shipped.received(), "orders", SpanKind.INTERNAL, "deadline DELIVER", null);
        trace.orderEvent(delivery, "OrderDelivered");
        // and nothing of the checkout left the trace: its only root is the client's request
        trace.assertOnlyRoot(edge);
    }

    private static void followTheCompensation(String traceId, String clientSpan) {
        Trace trace = new Trace(CollectedSpans.of(traceId));
        SpanData edge = trace.edgeServer(clientSpan);
        SpanData placing = trace.consumed(trace.checkedOut(edge), "orders", "orders-checkouts", "CartCheckedOut");
        Reply reserved = trace.asked(placing, "inventory", "ReserveStock", "StockReserved", "orders-stock-replies");
        // the decline, and what orders does about it
        Reply declined = trace.asked(reserved.received(), "payments", "AuthorizePayment", "PaymentDeclined",
                "orders-payment-replies");
        SpanData cancelled = trace.orderEvent(declined.received(), "OrderCancelled");
        trace.consumed(cancelled, "carts", "carts-restores", "OrderCancelled");
        Reply released = trace.asked(declined.received(), "inventory", "ReleaseStock", "StockReleased",
                "orders-stock-replies");
        trace.projected(released.sent(), "StockReleased");
        trace.assertOnlyRoot(edge);
    }

    /** A service's reply to a command of orders: the span that published it, and orders' that consumed it. */
    private record Reply(SpanData sent, SpanData received) {
    }

    /** The spans of one trace, with the lookups that follow it hop by hop. */
    private record Trace(List<SpanData> spans) {

        /** Edge's span of the client's checkout request (named after its route's path: the checkout has one of its own). */
        SpanData edgeServer(String clientSpan) {
            return childOf(clientSpan, "edge", SpanKind.SERVER, "http post /api/cart/checkout", null);
        }

        /** Edge's call to carts, carts' span of the checkout, and the publishing of its {@code CartCheckedOut}. */
        SpanData checkedOut(SpanData edgeServer) {
            SpanData edgeClient = descendantOf(edgeServer, "edge", SpanKind.CLIENT, "http post");
            SpanData checkout = childOf(edgeClient, "carts", SpanKind.SERVER, "http post /api/cart/checkout", null);
            return published(checkout, "carts", "carts.events", "CartCheckedOut");
        }

        SpanData published(SpanData parent, String service, String topic, String eventType) {
            return childOf(parent, service, SpanKind.PRODUCER, "publish " + topic, eventType);
        }

        SpanData consumed(SpanData parent, String service, String group, String eventType) {
            return childOf(parent, service, SpanKind.CONSUMER, "consume " + group, eventType);
        }

        SpanData projected(SpanData parent, String eventType) {
            return childOf(parent, "views", SpanKind.CONSUMER, "project views", eventType);
        }

        /** An event orders publishes on orders.events, and the views' projection of it; the publishing. */
        SpanData orderEvent(SpanData parent, String eventType) {
            SpanData published = published(parent, "orders", "orders.events", eventType);
            projected(published, eventType);
            return published;
        }

        /**
         * Orders sends {@code command} on {@code <service>.commands}, the service consumes it (group
         * {@code <service>-commands}) and publishes {@code reply} on {@code <service>.events}, which orders consumes in
         * group {@code replies}.
         */
        Reply asked(SpanData parent, String service, String command, String reply, String replies) {
            SpanData sent = published(parent, "orders", service + ".commands", command);
            SpanData handled = consumed(sent, service, service + "-commands", command);
            SpanData answered = published(handled, service, service + ".events", reply);
            return new Reply(answered, consumed(answered, "orders", replies, reply));
        }

        /** Nothing of the checkout left the trace: {@code root} is its only span without a parent in it. */
        void assertOnlyRoot(SpanData root) {
            assertThat(spans).filteredOn(span -> byId(span.getParentSpanId()) == null)
                    .as(toString()).singleElement().isSameAs(root);
        }

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
