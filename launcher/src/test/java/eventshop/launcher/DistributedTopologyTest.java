package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The distributed topology as {@code ./store up --distributed} starts it ({@link DistributedStore}): PostgreSQL, three
 * Kafka nodes, the Config Server, Eureka, two instances each of carts and orders, one of the others and edge, every
 * one a process of its own, driven only through edge's public API at :8080 (routed through discovery). A checkout,
 * its compensation and the last-units race; then faults, in order: an orders instance killed with SIGKILL during
 * checkouts, a Kafka node killed during checkouts, PostgreSQL restarted.
 *
 * <p>It uses the topology's fixed ports (8080–8089, 8184–8185, 8761, 8888, 9092–9097, 5432), like {@code ./store}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedTopologyTest {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String APPROVES = "4242424242424242";
    private static final String DECLINES = "4000000000000002";
    private static final String ADMIN_PASSWORD = "distributed-test-admin-" + UUID.randomUUID();
    private static final Set<String> TERMINAL = Set.of("DELIVERED", "CANCELLED");

    private static Path dataDir;
    private static DistributedStore store;
    private static EdgeClient edge;
    private static String admin;
    private static final ByteArrayOutputStream output = new ByteArrayOutputStream();

    record Customer(String token, String card) {
    }

    @BeforeAll
    static void startTheDistributedStore() throws IOException {
        dataDir = Files.createTempDirectory("eventshop-distributed");
        Path root = Path.of("..").toAbsolutePath().normalize();
        store = new DistributedStore(new DistributedStore.Options(root, dataDir, true, false, ADMIN_PASSWORD, null, null,
                null, Map.of("EVENTSHOP_ORDERS_CARRIERDELAY", "200ms")), new PrintStream(output, true));
        try {
            store.start();
        } catch (RuntimeException e) {
            throw new AssertionError("the distributed store did not start: " + e.getMessage() + "\n" + output, e);
        }
        edge = new EdgeClient(HttpClient.newHttpClient(), store.edgeUrl());
        admin = edge.login(DemoData.ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws IOException {
        if (store != null) {
            store.close();
        }
        // every process's log, for a failure's post-mortem: target/distributed-topology-logs
        Path kept = Path.of("target", "distributed-topology-logs");
        Path logs = dataDir.resolve("logs");
        if (Files.isDirectory(logs)) {
            Files.createDirectories(kept);
            try (Stream<Path> files = Files.list(logs)) {
                for (Path log : files.toList()) {
                    Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(kept.resolve("launcher.txt"), output.toString());
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void aCheckout_isDelivered_aDeclinedOne_compensated_andTheLastUnits_goToAsManyOrders() throws Exception {
        String sku = product(2_500, 5);
        Customer ada = customer(APPROVES);
        Customer bob = customer(DECLINES);

        String delivered = checkOut(ada, sku, 2);
        String declined = checkOut(bob, sku, 1);

        assertThat(statuses(awaitTerminal(ada, delivered))).containsExactly("PLACED", "STOCK_RESERVED",
                "PAYMENT_AUTHORIZED", "CONFIRMED", "SHIPPED", "DELIVERED");
        JsonNode cancelled = awaitTerminal(bob, declined);
        assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("cancellationReason").asString()).isEqualTo("PAYMENT_DECLINED");
        assertThat(paymentEvents(delivered)).containsExactly("PaymentAuthorized", "PaymentCaptured");
        await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 3, 0));

        // the last 3 units, 8 customers at once: 3 orders, 5 cancelled out of stock, nothing oversold
        String scarce = product(1_000, 3);
        List<Customer> crowd = SharedStore.parallel(8, i -> customer(APPROVES));
        List<String> orders = SharedStore.parallel(8, i -> checkOut(crowd.get(i), scarce, 1));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = awaitTerminal(crowd.get(i), orders.get(i));
            outcomes.add(order.get("status").asString() + "/" + order.get("cancellationReason").asString(""));
        }
        assertThat(outcomes).filteredOn(outcome -> outcome.startsWith("DELIVERED")).hasSize(3);
        assertThat(outcomes).filteredOn(outcome -> outcome.equals("CANCELLED/OUT_OF_STOCK")).hasSize(5);
        await().atMost(PATIENCE).untilAsserted(() -> assertStock(scarce, 0, 0));
    }

    @Test
    @Order(2)
    void anOrdersInstanceKilled_duringCheckouts_theOtherTakesOver_everyOrderSettles_noDoubleCapture() throws Exception {
        assertEveryOrderSettles_whileDuring("orders-2");
    }

    @Test
    @Order(3)
    void aKafkaNodeKilled_duringCheckouts_everyOrderSettles_noDoubleCapture() throws Exception {
        assertEveryOrderSettles_whileDuring("kafka-2");
    }

    @Test
    @Order(4)
    void postgresRestarted_theServicesRecover_andNothingAcknowledgedIsLost() throws Exception {
        String sku = product(1_500, 10);
        Customer ada = customer(APPROVES);
        String before = checkOut(ada, sku, 1);
        awaitTerminal(ada, before);

        store.restartPostgres();

        Customer bea = customer(APPROVES);
        String after = checkOut(bea, sku, 1);
        assertThat(awaitTerminal(bea, after).get("status").asString()).isEqualTo("DELIVERED");
        assertThat(awaitTerminal(ada, before).get("status").asString()).as("an order from before the restart")
                .isEqualTo("DELIVERED");
        assertThat(paymentEvents(before)).containsExactly("PaymentAuthorized", "PaymentCaptured");
        await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 8, 0));
    }

    /** Twenty checkouts, {@code part} killed with SIGKILL after the first ten; each settles, none captured twice. */
    private static void assertEveryOrderSettles_whileDuring(String part) throws Exception {
        String sku = product(1_000, 100);
        List<Customer> customers = SharedStore.parallel(20, i -> customer(APPROVES));
        List<String> first = SharedStore.parallel(10, i -> checkOut(customers.get(i), sku, 1));
        store.kill(part);
        List<String> second = SharedStore.parallel(10, i -> checkOut(customers.get(10 + i), sku, 1));
        List<String> orders = new ArrayList<>(first);
        orders.addAll(second);
        int delivered = 0;
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = awaitTerminal(customers.get(i), orders.get(i));
            List<String> payments = paymentEvents(orders.get(i));
            assertThat(payments.stream().filter("PaymentCaptured"::equals).count()).as("captures of %s", orders.get(i))
                    .isLessThanOrEqualTo(1);
            if (order.get("status").asString().equals("DELIVERED")) {
                delivered++;
                assertThat(payments).contains("PaymentCaptured");
            }
        }
        assertThat(delivered).as("orders delivered with %s killed", part).isEqualTo(orders.size());
        int shipped = delivered;
        await().atMost(PATIENCE).untilAsserted(() -> assertStock(sku, 100 - shipped, 0));
    }

    // ---- the public API

    private static Customer customer(String cardNumber) {
        String email = "d-" + UUID.randomUUID() + "@example.com";
        String password = "password-" + UUID.randomUUID();
        EdgeClient.Response registered = await().atMost(PATIENCE).until(() -> edge.post("/api/accounts",
                Map.of("email", email, "name", "Distributed Customer", "password", password), null),
                response -> response.status() < 500);
        // 409 only after an attempt that edge answered 5xx (its time limit) but accounts carried out: the e-mail is new
        assertThat(registered.status()).as(registered.toString()).isIn(201, 409);
        String token = await().atMost(PATIENCE).ignoreExceptions().until(() -> edge.login(email, password),
                value -> value != null);
        EdgeClient.Response card = await().atMost(PATIENCE).until(() -> edge.post("/api/payments/tokens",
                Map.of("number", cardNumber, "expMonth", 12, "expYear", Year.now().getValue() + 2, "cvc", "123"), token),
                response -> response.status() < 500);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        return new Customer(token, card.body().get("token").asString());
    }

    private static String product(long priceCents, int stock) {
        String sku = "SKU-D" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
        EdgeClient.Response added = edge.post("/api/catalog/products", Map.of("sku", sku, "name", "Test " + sku,
                "description", "made by a test", "priceCents", priceCents), admin);
        assertThat(added.is2xx()).as(added.toString()).isTrue();
        EdgeClient.Response received = edge.post("/api/inventory/" + sku + "/receipts", Map.of("quantity", stock), admin);
        assertThat(received.is2xx()).as(received.toString()).isTrue();
        return sku;
    }

    private static String checkOut(Customer customer, String sku, int quantity) {
        await().atMost(PATIENCE).until(() -> edge.post("/api/cart/items", Map.of("sku", sku, "quantity", quantity),
                customer.token()), EdgeClient.Response::is2xx);
        // an instance killed under the request answers 5xx through edge: the key makes the retry safe
        String key = UUID.randomUUID().toString();
        EdgeClient.Response accepted = await().atMost(PATIENCE).until(() -> edge.send("POST", "/api/cart/checkout",
                SharedStore.checkoutBody(customer.card()), customer.token(), Map.of("Idempotency-Key", key)),
                response -> response.status() < 500);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.body().get("orderId").asString();
    }

    private static JsonNode awaitTerminal(Customer customer, String orderId) {
        return await().atMost(PATIENCE).until(() -> {
            EdgeClient.Response response = edge.get("/api/orders/" + orderId, customer.token());
            return response.status() == 200 ? response.body() : null;
        }, order -> order != null && TERMINAL.contains(order.get("status").asString()));
    }

    private static List<String> statuses(JsonNode order) {
        return SharedStore.statuses(order);
    }

    /** The event types of the order's payment stream, from payments' log through the operations API. */
    private static List<String> paymentEvents(String orderId) {
        EdgeClient.Response stream = edge.get("/api/ops/payments/streams/payment-" + orderId, admin);
        if (stream.status() == 404) {
            return List.of();
        }
        assertThat(stream.status()).as(stream.toString()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        stream.body().get("events").forEach(event -> types.add(event.get("type").asString()));
        return types;
    }

    private static void assertStock(String sku, long onHand, long reserved) {
        JsonNode level = edge.get("/api/inventory/" + sku, null).body();
        assertThat(level.get("onHand").asLong()).as("on hand of %s: %s", sku, level).isEqualTo(onHand);
        assertThat(level.get("reserved").asLong()).as("reserved of %s: %s", sku, level).isEqualTo(reserved);
    }
}
