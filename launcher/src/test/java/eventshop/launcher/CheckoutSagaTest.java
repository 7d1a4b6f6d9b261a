package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.SharedStore.Customer;
import eventshop.launcher.client.EdgeClient;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The checkout saga across the real services: carts, orders, inventory and payments, each its own
 * context with its own event store and database, talking only through the in-process Kafka broker,
 * driven only through edge's public API, on the {@link SharedStore} (its saga timing: a step waits 4 s
 * for its reply and is asked twice before the order times out).
 */
class CheckoutSagaTest {

    private static final Duration PATIENCE = SharedStore.PATIENCE;
    private static final String APPROVES = SharedStore.APPROVES;
    private static final String DECLINES = SharedStore.DECLINES;

    private static SharedStore shop;
    private static StoreRuntime store;
    private static EdgeClient edge;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
        store = shop.store;
        edge = shop.edge;
    }

    // ---- the happy path and the compensations

    @Test
    void aCheckout_goesThroughEveryStatus_toDelivered_capturingThePaymentOnce() {
        String sku = product(2_500, 5);
        Customer ada = customer(APPROVES);

        String orderId = checkOut(ada, sku, 2);
        JsonNode order = awaitStatus(ada, orderId, "DELIVERED");

        assertThat(statuses(order)).containsExactly("PLACED", "STOCK_RESERVED", "PAYMENT_AUTHORIZED", "CONFIRMED",
                "SHIPPED", "DELIVERED");
        assertThat(order.get("totalCents").asLong()).isEqualTo(5_300); // 2 × 25.00 + 6 %
        assertThat(order.get("lines")).hasSize(1);
        assertThat(paymentEvents(orderId)).containsExactly("PaymentAuthorized", "PaymentCaptured");
        assertStock(sku, 3, 0);
        EdgeClient.Response cart = edge.get("/api/cart", ada.session());
        assertThat(cart.body().get("lines")).as("checkout emptied the cart").isEmpty();
        // the order's links, followed through edge as any client of edge resolves them (against edge's address)
        JsonNode links = order.get("_links");
        assertThat(links.at("/self/href").asString()).isEqualTo("/api/orders/" + orderId);
        EdgeClient.Response events = edge.get(links.at("/events/href").asString(), ada.session());
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        assertThat(events.body().get(0).get("type").asString()).isEqualTo("OrderPlaced");
        EdgeClient.Response payment = edge.get("/api/payments/" + orderId, ada.session());
        EdgeClient.Response paymentEvents = edge.get(payment.body().at("/_links/events/href").asString(), ada.session());
        assertThat(paymentEvents.body()).extracting(event -> event.get("type").asString())
                .containsExactly("PaymentAuthorized", "PaymentCaptured");
        // delivered: too late to cancel, and no cancel link
        assertThat(links.has("cancel")).isFalse();
        assertThat(edge.post("/api/orders/" + orderId + "/cancel", null, ada.session()).status()).isEqualTo(409);
    }

    @Test
    void stockRejected_cancelsTheOrder_outOfStock_andNeverAsksForPayment() {
        String sku = product(1_000, 1);
        Customer bob = customer(APPROVES);

        String orderId = checkOut(bob, sku, 2);
        JsonNode order = awaitStatus(bob, orderId, "CANCELLED");

        assertThat(order.get("cancellationReason").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(paymentEvents(orderId)).isEmpty();
        assertStock(sku, 1, 0);
    }

    @Test
    void aDeclinedPayment_releasesTheStock_andCancelsTheOrder() {
        String sku = product(1_000, 4);
        Customer carol = customer(DECLINES);

        String orderId = checkOut(carol, sku, 3);
        JsonNode order = awaitStatus(carol, orderId, "CANCELLED");

        assertThat(order.get("cancellationReason").asString()).isEqualTo("PAYMENT_DECLINED");
        assertThat(paymentEvents(orderId)).containsExactly("PaymentDeclined");
        await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 4, 0));
    }

    /**
     * Payments takes no commands (its consumer is stopped; its HTTP API, which the checkout asks about the
     * card, still answers).
     */
    @Test
    void aPaymentServiceThatDoesNotAnswer_timesTheOrderOut_releasesTheStock_andVoidsTheLateAuthorization() {
        String sku = product(1_000, 4);
        Customer dan = customer(APPROVES);
        shop.stopPaymentCommands();
        String orderId;
        try {
            // when
            orderId = checkOut(dan, sku, 1);
            JsonNode order = awaitStatus(dan, orderId, "CANCELLED");

            // then: asked twice, then compensated
            assertThat(order.get("cancellationReason").asString()).isEqualTo("TIMED_OUT");
            await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 4, 0));
        } finally {
            shop.startPaymentCommands();
        }
        // payments comes back, authorizes from its queued commands, and the order has that voided
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(paymentEvents(orderId))
                .containsSubsequence("PaymentAuthorized", "PaymentVoided").doesNotContain("PaymentCaptured"));
        assertThat(status(dan, orderId)).isEqualTo("CANCELLED");
    }

    @Test
    void aCustomerCancel_whileThePaymentIsPending_releasesTheStock_andVoidsWhatIsAuthorizedLater() {
        String sku = product(1_000, 4);
        Customer eve = customer(APPROVES);
        shop.stopPaymentCommands();
        String orderId;
        try {
            orderId = checkOut(eve, sku, 2);
            awaitStatus(eve, orderId, "STOCK_RESERVED");

            // the cancel link, followed as given, through edge
            String cancel = edge.get("/api/orders/" + orderId, eve.session()).body().at("/_links/cancel/href").asString();
            assertThat(cancel).isEqualTo("/api/orders/" + orderId + "/cancel");
            EdgeClient.Response cancelled = edge.post(cancel, null, eve.session());
            assertThat(cancelled.is2xx()).as(cancelled.toString()).isTrue();
            assertThat(cancelled.body().get("_links").has("cancel")).isFalse();

            JsonNode order = awaitStatus(eve, orderId, "CANCELLED");
            assertThat(order.get("cancellationReason").asString()).isEqualTo("CUSTOMER_CANCELLED");
            await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 4, 0));
        } finally {
            shop.startPaymentCommands();
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(paymentEvents(orderId))
                .doesNotContain("PaymentCaptured").contains("PaymentVoided"));
    }

    @Test
    void customersSeeOnlyTheirOwnOrders() {
        String sku = product(700, 2);
        Customer owner = customer(APPROVES);
        Customer other = customer(APPROVES);
        String orderId = checkOut(owner, sku, 1);
        awaitStatus(owner, orderId, "DELIVERED");

        assertThat(edge.get("/api/orders/" + orderId, other.session()).status()).isEqualTo(404);
        assertThat(edge.post("/api/orders/" + orderId + "/cancel", null, other.session()).status()).isEqualTo(404);
        assertThat(edge.get("/api/orders/" + orderId, null).status()).isEqualTo(401);
        // the history is the views service's read model: it follows the orders' events
        await().atMost(PATIENCE).untilAsserted(() -> {
            EdgeClient.Response mine = edge.get("/api/orders", owner.session());
            assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
            assertThat(mine.text()).contains(orderId).contains("DELIVERED");
        });
        assertThat(edge.get("/api/orders", other.session()).text()).doesNotContain(orderId);
    }

    // ---- under contention and under restarts

    @Test
    void aHundredCustomers_checkingOutTheLastTenUnits_getTenOrders_andTheRestAreCancelledOutOfStock()
            throws Exception {
        String sku = product(1_000, 10);
        List<Customer> customers = parallel(100, i -> customer(APPROVES));
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicReference<String> broken = new AtomicReference<>();
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (watching.get()) {
                JsonNode level = edge.get("/api/inventory/" + sku, null).body();
                long onHand = level.path("onHand").asLong();
                long reserved = level.path("reserved").asLong();
                long available = level.path("available").asLong();
                if (available < 0 || reserved < 0 || reserved > onHand || available != onHand - reserved) {
                    broken.compareAndSet(null, level.toString());
                }
            }
        });

        // when: all at once
        List<String> orders = parallel(customers.size(), i -> checkOut(customers.get(i), sku, 1));

        // then
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = awaitTerminal(customers.get(i), orders.get(i));
            outcomes.merge(order.get("status").asString() + " " + order.path("cancellationReason").asString(""), 1,
                    Integer::sum);
        }
        watching.set(false);
        watcher.join();
        assertThat(outcomes).containsOnly(Map.entry("DELIVERED ", 10), Map.entry("CANCELLED OUT_OF_STOCK", 90));
        assertThat(broken.get()).as("stock levels seen during the run").isNull();
        assertStock(sku, 0, 0);
    }

    @Test
    void everyServiceRestarted_inTheMiddleOfFiftyCheckouts_everyOrderEnds_noDoubleCapture_noStockLeaked()
            throws Exception {
        String sku = product(1_000, 30);
        List<Customer> customers = parallel(50, i -> customer(i % 5 == 4 ? DECLINES : APPROVES));

        // when: 50 checkouts in flight while every service is closed and started again, one after the other
        Future<List<String>> checkouts;
        try (ExecutorService background = Executors.newSingleThreadExecutor()) {
            checkouts = background.submit(() -> parallel(customers.size(), i -> checkOut(customers.get(i), sku, 1)));
            for (ServiceApp service : store.config().services()) {
                store.restartApp(service.name());
            }
        }
        List<String> orders = checkouts.get();

        // then: every order ends, and the books balance
        int delivered = 0;
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = awaitTerminal(customers.get(i), orders.get(i));
            List<String> payment = paymentEvents(orders.get(i));
            assertThat(Collections.frequency(payment, "PaymentCaptured")).as("captures of %s", orders.get(i))
                    .isLessThanOrEqualTo(1);
            if (order.get("status").asString().equals("DELIVERED")) {
                delivered++;
                assertThat(payment).contains("PaymentCaptured").doesNotContain("PaymentRefunded");
            } else {
                String orderId = orders.get(i);
                await().atMost(PATIENCE).untilAsserted(() -> {
                    List<String> events = paymentEvents(orderId);
                    assertThat(!events.contains("PaymentCaptured") || events.contains("PaymentRefunded"))
                            .as("a cancelled order holds no money: %s %s", orderId, events).isTrue();
                });
            }
        }
        assertThat(delivered).isPositive();
        int shipped = delivered;
        // received 30 = available + shipped, nothing left reserved
        await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 30 - shipped, 0));
    }

    // ---- helpers (the shared store's)

    private static Customer customer(String cardNumber) {
        return shop.customer(cardNumber);
    }

    private static String product(long priceCents, int stock) {
        return shop.product(priceCents, stock);
    }

    private static String checkOut(Customer customer, String sku, int quantity) {
        return shop.checkOut(customer, sku, quantity);
    }

    private static String status(Customer customer, String orderId) {
        return shop.status(customer, orderId);
    }

    private static JsonNode awaitStatus(Customer customer, String orderId, String status) {
        return shop.awaitStatus(customer, orderId, status);
    }

    private static JsonNode awaitTerminal(Customer customer, String orderId) {
        return shop.awaitTerminal(customer, orderId);
    }

    private static List<String> statuses(JsonNode order) {
        return SharedStore.statuses(order);
    }

    private static List<String> paymentEvents(String orderId) {
        return shop.paymentEvents(orderId);
    }

    private static void assertStock(String sku, long onHand, long reserved) {
        shop.assertStock(sku, onHand, reserved);
    }

    private static <T> List<T> parallel(int count, SharedStore.Indexed<T> task) throws Exception {
        return SharedStore.parallel(count, task);
    }
}
