package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.contracts.EdgeToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The checkout saga across the real services: carts, orders, inventory and payments, each its own
 * context with its own event store and database, talking only through the in-process Kafka broker,
 * driven only through edge's public API. One store for the class (no demo data; each test makes its
 * own products and customers). The saga's timing is shortened: a step waits 4 s for its reply and
 * is asked twice before the order times out; the carrier delivers 200 ms after shipping.
 *
 * <p>Customers are signed in with session tokens minted from the store's secret (what edge's login
 * hands out), so no test waits for password hashing.
 */
class CheckoutSagaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String APPROVES = "4242424242424242";
    private static final String DECLINES = "4000000000000002";

    @TempDir
    static Path dataDir;

    private static StoreRuntime store;
    private static EdgeClient edge;
    private static EdgeTokens tokens;
    private static String admin;

    record Customer(String id, String session, String card) {
    }

    @BeforeAll
    static void startTheStore() {
        StoreConfig config = StoreConfig.standard(dataDir).withDemoData(false)
                .withKafkaPorts(FreePorts.next(), FreePorts.next())
                .withProperty("eventshop.orders.step-timeout", "4s")
                .withProperty("eventshop.orders.max-attempts", "2")
                .withProperty("eventshop.orders.compensation-max-backoff", "4s")
                .withProperty("eventshop.orders.carrier-delay", "200ms")
                .withProperty("eventshop.orders.deadline-poll", "100ms");
        for (ServiceApp app : config.apps()) {
            config = config.withPort(app.name(), FreePorts.next());
        }
        store = new StoreRuntime(config, new PrintStream(OutputStream.nullOutputStream()));
        store.start();
        edge = new EdgeClient(HttpClient.newHttpClient(), store.edgeUrl());
        tokens = EdgeTokens.fromBase64(store.secrets().tokenSecret(), Clock.systemUTC());
        admin = session(new EdgeUser("admin-" + UUID.randomUUID(), DemoData.ADMIN_EMAIL, Set.of(EdgeToken.ADMIN)));
    }

    @AfterAll
    static void stopTheStore() {
        if (store != null) {
            store.close();
        }
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
        EdgeClient.Response events = edge.get("/api/orders/" + orderId + "/events", ada.session());
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        assertThat(events.body().get(0).get("type").asString()).isEqualTo("OrderPlaced");
        // delivered: too late to cancel
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

    @Test
    void aPaymentServiceThatDoesNotAnswer_timesTheOrderOut_releasesTheStock_andVoidsTheLateAuthorization() {
        String sku = product(1_000, 4);
        Customer dan = customer(APPROVES);
        store.stopApp("payments");
        String orderId;
        try {
            // when
            orderId = checkOut(dan, sku, 1);
            JsonNode order = awaitStatus(dan, orderId, "CANCELLED");

            // then: asked twice, then compensated
            assertThat(order.get("cancellationReason").asString()).isEqualTo("TIMED_OUT");
            await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 4, 0));
        } finally {
            store.startApp("payments");
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
        store.stopApp("payments");
        String orderId;
        try {
            orderId = checkOut(eve, sku, 2);
            awaitStatus(eve, orderId, "STOCK_RESERVED");

            EdgeClient.Response cancelled = edge.post("/api/orders/" + orderId + "/cancel", null, eve.session());
            assertThat(cancelled.is2xx()).as(cancelled.toString()).isTrue();

            JsonNode order = awaitStatus(eve, orderId, "CANCELLED");
            assertThat(order.get("cancellationReason").asString()).isEqualTo("CUSTOMER_CANCELLED");
            await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 4, 0));
        } finally {
            store.startApp("payments");
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

    // ---- helpers

    private static String session(EdgeUser user) {
        return tokens.mint(user, EdgeToken.SESSION_AUDIENCE, Duration.ofHours(1));
    }

    /** A new customer with a tokenized card. */
    private static Customer customer(String cardNumber) {
        String id = UUID.randomUUID().toString();
        String session = session(new EdgeUser(id, "c-" + id + "@example.com", Set.of(EdgeToken.CUSTOMER)));
        EdgeClient.Response card = edge.post("/api/payments/tokens", Map.of("number", cardNumber, "expMonth", 12,
                "expYear", Year.now().getValue() + 2, "cvc", "123"), session);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        return new Customer(id, session, card.body().get("token").asString());
    }

    /** A new product with this price and stock. */
    private static String product(long priceCents, int stock) {
        String sku = "SKU-T" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
        EdgeClient.Response added = edge.post("/api/catalog/products", Map.of("sku", sku, "name", "Test " + sku,
                "description", "made by a test", "priceCents", priceCents), admin);
        assertThat(added.is2xx()).as(added.toString()).isTrue();
        EdgeClient.Response received = edge.post("/api/inventory/" + sku + "/receipts", Map.of("quantity", stock), admin);
        assertThat(received.is2xx()).as(received.toString()).isTrue();
        return sku;
    }

    /** Adds to the cart (once the cart's price view knows the product) and checks out; the order id. */
    private static String checkOut(Customer customer, String sku, int quantity) {
        // until the cart's price view knows the product (and carts answers, if it is restarting)
        await().atMost(PATIENCE).until(() -> edge.post("/api/cart/items", Map.of("sku", sku, "quantity", quantity),
                customer.session()), EdgeClient.Response::is2xx);
        Map<String, Object> body = Map.of("shippingAddress", Map.of("name", "Test Customer", "line1", "1 Test St",
                "line2", "", "city", "Testville", "postalCode", "12345", "country", "US"), "cardToken", customer.card());
        // a service restarting under the request answers 5xx through edge: the key makes the retry safe
        String key = UUID.randomUUID().toString();
        EdgeClient.Response accepted = await().atMost(PATIENCE).until(() -> edge.send("POST", "/api/cart/checkout",
                body, customer.session(), Map.of("Idempotency-Key", key)), response -> response.status() < 500);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.body().get("orderId").asString();
    }

    private static JsonNode order(Customer customer, String orderId) {
        EdgeClient.Response response = edge.get("/api/orders/" + orderId, customer.session());
        return response.status() == 200 ? response.body() : null;
    }

    private static String status(Customer customer, String orderId) {
        JsonNode order = order(customer, orderId);
        return order == null ? "" : order.get("status").asString();
    }

    private static JsonNode awaitStatus(Customer customer, String orderId, String status) {
        return await().atMost(PATIENCE).until(() -> order(customer, orderId),
                order -> order != null && order.get("status").asString().equals(status));
    }

    private static JsonNode awaitTerminal(Customer customer, String orderId) {
        return await().atMost(PATIENCE).until(() -> order(customer, orderId), order -> order != null
                && Set.of("DELIVERED", "CANCELLED").contains(order.get("status").asString()));
    }

    private static List<String> statuses(JsonNode order) {
        List<String> statuses = new ArrayList<>();
        order.get("timeline").forEach(step -> statuses.add(step.get("status").asString()));
        return statuses;
    }

    /** The event types of the order's payment stream, read from payments' own store. */
    private static List<String> paymentEvents(String orderId) {
        EventStore payments = store.context("payments").getBean(EventStore.class);
        return payments.read("payment-" + orderId, 0).map(RecordedEvent::type).collectList().block();
    }

    private static void assertStock(String sku, long onHand, long reserved) {
        JsonNode level = edge.get("/api/inventory/" + sku, null).body();
        assertThat(level.get("onHand").asLong()).as("on hand of %s: %s", sku, level).isEqualTo(onHand);
        assertThat(level.get("reserved").asLong()).as("reserved of %s: %s", sku, level).isEqualTo(reserved);
        assertThat(level.get("available").asLong()).as("available of %s: %s", sku, level).isEqualTo(onHand - reserved);
    }

    private interface Indexed<T> {
        T apply(int i) throws Exception;
    }

    private static <T> List<T> parallel(int count, Indexed<T> task) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> task.apply(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }
}
