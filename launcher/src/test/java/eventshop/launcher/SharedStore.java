package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.Caller;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import eventshop.launcher.tracing.CollectedSpans;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import tools.jackson.databind.JsonNode;

/**
 * One whole store for every end-to-end test class that can share it (started on first use, closed
 * when the test JVM exits): the real services, each its own context with its own event store and
 * database, talking only through the in-process Kafka broker, driven only through edge's public API.
 * No demo data; each test makes its own products and customers, so tests never see each other's
 * data. The saga's timing is shortened: a step waits 4 s for its reply and is asked twice before the
 * order times out; the carrier delivers 200 ms after shipping. The consumers downstream of the
 * commands that read-your-writes is about carry {@link SlowConsumer}, which a test can turn on.
 *
 * <p>A test that stops or restarts a service must leave it running again when it ends.
 *
 * <p>Customers are signed in with sessions opened in edge's session store and tokens minted for them
 * (what edge's login hands out), so no test waits for password hashing.
 */
final class SharedStore {

    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final String APPROVES = "4242424242424242";
    static final String DECLINES = "4000000000000002";
    static final String INSUFFICIENT_FUNDS = "4000000000009995";

    private static SharedStore instance;

    final Path dataDir;
    final StoreRuntime store;
    final EdgeClient edge;
    final EdgeTokens tokens;
    final String admin;

    record Customer(String id, String session, String card) {
    }

    private SharedStore(Path dataDir, StoreRuntime store) {
        this.dataDir = dataDir;
        this.store = store;
        this.edge = new EdgeClient(HttpClient.newHttpClient(), store.edgeUrl());
        this.tokens = EdgeTokens.fromBase64(store.secrets().tokenSecret(), Clock.systemUTC());
        this.admin = session(new EdgeUser("admin-" + UUID.randomUUID(), DemoData.ADMIN_EMAIL, Set.of(EdgeToken.ADMIN)));
    }

    /** The store, started at the first call. */
    static synchronized SharedStore get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "shared-store-stop"));
        }
        return instance;
    }

    private static SharedStore start() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("eventshop-shared-store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StoreConfig config = StoreConfig.standard(dataDir).withDemoData(false)
                .withKafkaPorts(FreePorts.next(), FreePorts.next())
                .withProperty("eventshop.orders.step-timeout", "4s")
                .withProperty("eventshop.orders.max-attempts", "2")
                .withProperty("eventshop.orders.compensation-max-backoff", "4s")
                .withProperty("eventshop.orders.carrier-delay", "200ms")
                .withProperty("eventshop.orders.deadline-poll", "100ms")
                // the tests sharing this store register dozens of customers from 127.0.0.1, more than the 20 an hour
                // accounts lets one address register (eventshop.accounts.limits, docs/services.md)
                .withProperty("eventshop.accounts.limits.registrations-per-client.limit", "10000")
                // the spans of the traces a test watches (CheckoutTraceTest), handed over every 100 ms
                .withProperty(CollectedSpans.PROPERTY, "true")
                .withProperty("management.opentelemetry.tracing.export.schedule-delay", "100ms");
        // consumers a test can make late (SlowConsumer, off unless a test turns it on)
        for (String binding : List.of("ordersCarts-in-0", "onInventoryEvents-in-0", "catalogPrices-in-0")) {
            config = config.withProperty("spring.cloud.stream.kafka.bindings." + binding
                    + ".consumer.configuration[interceptor.classes]", SlowConsumer.class.getName());
        }
        config = config.withProperty("eventshop.projections.consumer[interceptor.classes]", SlowConsumer.class.getName());
        for (ServiceApp app : config.apps()) {
            config = config.withPort(app.name(), FreePorts.next());
        }
        StoreRuntime store = new StoreRuntime(config, new PrintStream(OutputStream.nullOutputStream()));
        store.start();
        return new SharedStore(dataDir, store);
    }

    private void close() {
        store.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    // ---- customers, products, checkouts

    /** A live session for the user, as a login opens one, and its session token. */
    String session(EdgeUser user) {
        var context = store.context("edge");
        Sessions sessions = context.getBean(Sessions.class);
        String sessionId = sessions.open(user.id(), sessions.mark(), null);
        return context.getBean(eventshop.edge.tokens.EdgeTokens.class).mintSession(
                new Caller(user.id(), user.email(), List.copyOf(user.roles())), sessionId).token();
    }

    /** A new customer with a tokenized card. */
    Customer customer(String cardNumber) {
        String id = UUID.randomUUID().toString();
        String session = session(new EdgeUser(id, "c-" + id + "@example.com", Set.of(EdgeToken.CUSTOMER)));
        EdgeClient.Response card = edge.post("/api/payments/tokens", Map.of("number", cardNumber, "expMonth", 12,
                "expYear", Year.now().getValue() + 2, "cvc", "123"), session);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        return new Customer(id, session, card.body().get("token").asString());
    }

    /** A new product with this price and stock. */
    String product(long priceCents, int stock) {
        return productNamed(null, priceCents, stock);
    }

    /** A new product with this name (or {@code Test <sku>}), price and stock. */
    String productNamed(String name, long priceCents, int stock) {
        String sku = "SKU-T" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
        EdgeClient.Response added = edge.post("/api/catalog/products", Map.of("sku", sku, "name", name == null ? "Test " + sku : name,
                "description", "made by a test", "priceCents", priceCents), admin);
        assertThat(added.is2xx()).as(added.toString()).isTrue();
        EdgeClient.Response received = edge.post("/api/inventory/" + sku + "/receipts", Map.of("quantity", stock), admin);
        assertThat(received.is2xx()).as(received.toString()).isTrue();
        return sku;
    }

    /** Adds to the cart, once the cart's price view knows the product (and carts answers, if it is restarting). */
    void addToCart(Customer customer, String sku, int quantity) {
        await().atMost(PATIENCE).until(() -> edge.post("/api/cart/items", Map.of("sku", sku, "quantity", quantity),
                customer.session()), EdgeClient.Response::is2xx);
    }

    static Map<String, Object> checkoutBody(String cardToken) {
        return Map.of("shippingAddress", Map.of("name", "Test Customer", "line1", "1 Test St", "line2", "",
                "city", "Testville", "postalCode", "12345", "country", "US"), "cardToken", cardToken);
    }

    /** Adds to the cart and checks out; the order id. */
    String checkOut(Customer customer, String sku, int quantity) {
        addToCart(customer, sku, quantity);
        // a service restarting under the request answers 5xx through edge: the key makes the retry safe
        String key = UUID.randomUUID().toString();
        EdgeClient.Response accepted = await().atMost(PATIENCE).until(() -> edge.send("POST", "/api/cart/checkout",
                checkoutBody(customer.card()), customer.session(), Map.of("Idempotency-Key", key)),
                response -> response.status() < 500);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.body().get("orderId").asString();
    }

    // ---- orders

    JsonNode order(Customer customer, String orderId) {
        EdgeClient.Response response = edge.get("/api/orders/" + orderId, customer.session());
        return response.status() == 200 ? response.body() : null;
    }

    String status(Customer customer, String orderId) {
        JsonNode order = order(customer, orderId);
        return order == null ? "" : order.get("status").asString();
    }

    JsonNode awaitStatus(Customer customer, String orderId, String status) {
        return await().atMost(PATIENCE).until(() -> order(customer, orderId),
                order -> order != null && order.get("status").asString().equals(status));
    }

    JsonNode awaitTerminal(Customer customer, String orderId) {
        return await().atMost(PATIENCE).until(() -> order(customer, orderId), order -> order != null
                && Set.of("DELIVERED", "CANCELLED").contains(order.get("status").asString()));
    }

    static List<String> statuses(JsonNode order) {
        List<String> statuses = new ArrayList<>();
        order.get("timeline").forEach(step -> statuses.add(step.get("status").asString()));
        return statuses;
    }

    /** The event types of a stream, read from a service's own store. */
    List<String> eventTypes(String service, String streamId) {
        EventStore events = store.context(service).getBean(EventStore.class);
        return events.read(streamId, 0).map(RecordedEvent::type).collectList().block();
    }

    /** The event types of the order's payment stream, read from payments' own store. */
    List<String> paymentEvents(String orderId) {
        return eventTypes("payments", "payment-" + orderId);
    }

    void assertStock(String sku, long onHand, long reserved) {
        JsonNode level = edge.get("/api/inventory/" + sku, null).body();
        assertThat(level.get("onHand").asLong()).as("on hand of %s: %s", sku, level).isEqualTo(onHand);
        assertThat(level.get("reserved").asLong()).as("reserved of %s: %s", sku, level).isEqualTo(reserved);
        assertThat(level.get("available").asLong()).as("available of %s: %s", sku, level).isEqualTo(onHand - reserved);
    }

    // ---- outages

    /** The binding through which payments takes its commands ({@code payments.commands}). */
    static final String PAYMENT_COMMANDS = "paymentCommands-in-0";

    /**
     * Stops payments' consumer of its commands, leaving its HTTP API answering (a checkout asks it whether
     * the card token is the customer's): the saga's payment steps get no reply, their commands wait in Kafka.
     */
    void stopPaymentCommands() {
        store.context("payments").getBean(BindingsLifecycleController.class).stop(PAYMENT_COMMANDS);
    }

    /** Starts payments' consumer of its commands again: it takes the commands that waited. */
    void startPaymentCommands() {
        store.context("payments").getBean(BindingsLifecycleController.class).start(PAYMENT_COMMANDS);
    }

    // ---- concurrency

    interface Indexed<T> {
        T apply(int i) throws Exception;
    }

    /** Runs {@code count} tasks at once on virtual threads; their results in order. */
    static <T> List<T> parallel(int count, Indexed<T> task) throws Exception {
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
