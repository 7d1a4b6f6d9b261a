package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import eventshop.launcher.logging.KnownNoise;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The whole store as {@code ./store up} starts it (same {@link StoreRuntime}, {@link Topology} and
 * demo data), on free ports over a temporary data directory, driven only through edge's public
 * HTTP API the way a customer and the admin use it. One store for the class. Its log is captured from
 * before the start: the first test checks that the start and a checkout printed no WARN or ERROR line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** WARN and ERROR lines of the store's one logging configuration, as its console shows them (known noise left out). */
    private static final ListAppender<ILoggingEvent> WARNINGS = new ListAppender<>();
    /**
     * Set on the thread that starts this class's store: every thread the store creates inherits it, so the
     * capture keeps this store's lines apart from those of {@link SharedStore}'s, if another class started it.
     */
    private static final InheritableThreadLocal<Boolean> THIS_STORE = new InheritableThreadLocal<>();

    @TempDir
    static Path dataDir;

    private static StoreConfig config;
    private static StoreRuntime store;
    private static EdgeClient edge;

    @BeforeAll
    static void startTheStore() {
        captureWarnings();
        StoreConfig standard = StoreConfig.standard(dataDir)
                .withKafkaPorts(FreePorts.next(), FreePorts.next());
        for (ServiceApp app : standard.apps()) {
            standard = standard.withPort(app.name(), FreePorts.next());
        }
        config = standard;
        store = startOnAThreadOfItsOwn(config);
    }

    private static StoreRuntime startOnAThreadOfItsOwn(StoreConfig config) {
        java.util.concurrent.CompletableFuture<StoreRuntime> started = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().name("store-start").start(() -> {
            THIS_STORE.set(true);
            try {
                started.complete(start(config));
            } catch (RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        });
        return started.join();
    }

    @AfterAll
    static void stopTheStore() {
        if (store != null) {
            store.close();
        }
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(WARNINGS);
    }

    /** Collects every WARN and ERROR line that reaches the console (the launcher's logback.xml), from now on. */
    private static void captureWarnings() {
        WARNINGS.addFilter(new KnownNoise());
        WARNINGS.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return event.getLevel().isGreaterOrEqual(Level.WARN) && Boolean.TRUE.equals(THIS_STORE.get())
                        ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        });
        WARNINGS.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(WARNINGS);
    }

    /** The lines collected so far: level, thread, logger, message and the exception's class and message. */
    private static List<String> warnings() {
        synchronized (WARNINGS) {
            List<String> lines = new ArrayList<>();
            for (ILoggingEvent event : WARNINGS.list) {
                IThrowableProxy thrown = event.getThrowableProxy();
                lines.add(event.getLevel() + " [" + event.getThreadName() + "] " + event.getLoggerName() + " "
                        + event.getFormattedMessage()
                        + (thrown == null ? "" : " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")"));
            }
            return lines;
        }
    }

    @Test
    @Order(1)
    void aNormalStartAndACheckout_printNoWarningOrError() {
        // given the store as it started (demo data loaded), and a new customer with a card
        String email = "quiet-" + UUID.randomUUID() + "@example.com";
        EdgeClient.Response registered = edge.post("/api/accounts",
                Map.of("email", email, "name", "Quinn Quiet", "password", "quinn-password-1"), null);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String quinn = await().atMost(PATIENCE).until(() -> loginOrNull(email, "quinn-password-1"), t -> t != null);
        JsonNode confirmation = await().atMost(PATIENCE).until(() -> edge.get("/api/accounts/me/messages", quinn)
                .body(), inbox -> inbox.isArray() && !inbox.isEmpty()).get(0);
        assertThat(edge.post("/api/accounts/me/confirm", Map.of("code", confirmation.get("code").asString()), quinn)
                .is2xx()).isTrue();
        await().atMost(PATIENCE).until(() -> edge.get("/api/accounts/me", quinn).body().get("status").asString(),
                "ACTIVE"::equals);
        EdgeClient.Response card = edge.post("/api/payments/tokens", Map.of("number", "4242424242424242",
                "expMonth", 12, "expYear", Year.now().getValue() + 2, "cvc", "123"), quinn);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);

        // when they fill a cart and check out, and the order is delivered
        await().atMost(PATIENCE).until(() -> edge.post("/api/cart/items", Map.of("sku", "SKU-34563", "quantity", 1),
                quinn), EdgeClient.Response::is2xx);
        EdgeClient.Response checkedOut = edge.post("/api/cart/checkout", Map.of("shippingAddress", Map.of(
                "name", "Quinn Quiet", "line1", "1 Quiet Lane", "line2", "", "city", "Hush", "postalCode", "12345",
                "country", "US"), "cardToken", card.body().get("token").asString()), quinn);
        assertThat(checkedOut.status()).as(checkedOut.toString()).isEqualTo(202);
        String orderId = checkedOut.body().get("orderId").asString();
        await().atMost(PATIENCE).until(() -> edge.get("/api/orders/" + orderId, quinn).body().path("status")
                .asString(""), "DELIVERED"::equals);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(edge.get("/api/orders", quinn).body().get("items")
                .get(0).get("status").asString()).isEqualTo("DELIVERED"));

        // then
        assertThat(warnings()).as("WARN and ERROR lines of the start and the checkout").isEmpty();
    }

    private static StoreRuntime start(StoreConfig config) {
        StoreRuntime runtime = new StoreRuntime(config, new PrintStream(OutputStream.nullOutputStream()));
        runtime.start();
        edge = new EdgeClient(HttpClient.newHttpClient(), runtime.edgeUrl());
        return runtime;
    }

    @Test
    void aNewCustomerRegistersIsConfirmedLogsInBrowsesAndFillsACartWithTax() {
        // register
        String email = "carol-" + UUID.randomUUID() + "@example.com";
        EdgeClient.Response registered = edge.post("/api/accounts",
                Map.of("email", email, "name", "Carol Jones", "password", "carol-password-1"), null);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        assertThat(registered.body().get("accountId").asString()).isNotBlank();

        // log in (a PENDING account may), find the confirmation message the account-lifecycle function
        // sent to the mailbox, and confirm with its code
        String carol = await().atMost(PATIENCE).until(() -> loginOrNull(email, "carol-password-1"), t -> t != null);
        assertThat(edge.get("/api/accounts/me", carol).body().get("status").asString()).isEqualTo("PENDING");
        JsonNode messages = await().atMost(PATIENCE).until(() -> edge.get("/api/accounts/me/messages", carol).body(),
                inbox -> inbox.isArray() && !inbox.isEmpty());
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get("kind").asString()).isEqualTo("CONFIRMATION");
        EdgeClient.Response confirmed = edge.post("/api/accounts/me/confirm",
                Map.of("code", messages.get(0).get("code").asString()), carol);
        assertThat(confirmed.is2xx()).as(confirmed.toString()).isTrue();

        // the function activates the confirmed account (nothing else does)
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(edge.get("/api/accounts/me", carol).body()
                .get("status").asString()).isEqualTo("ACTIVE"));
        EdgeClient.Response me = edge.get("/api/accounts/me", carol);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.body().get("email").asString()).isEqualTo(email);

        // browse: the demo products are there, and search finds by name
        // (the listing is the views service's read model, built from catalog's and inventory's events)
        await().atMost(PATIENCE).untilAsserted(() -> {
            EdgeClient.Response products = edge.get("/api/catalog/products?size=50", null);
            assertThat(products.status()).as(products.toString()).isEqualTo(200);
            assertThat(skus(products.body().get("items")))
                    .contains("SKU-24642", "SKU-34563", "SKU-12464", "SKU-64233")
                    .hasSizeGreaterThanOrEqualTo(DemoData.PRODUCTS.size());
        });
        EdgeClient.Response socks = edge.get("/api/catalog/products?q=socks", null);
        assertThat(skus(socks.body().get("items"))).containsExactly("SKU-12464");

        // add to cart (the cart's price view learns the products from catalog.events)
        await().atMost(PATIENCE).until(
                () -> edge.post("/api/cart/items", Map.of("sku", "SKU-24642", "quantity", 2), carol),
                EdgeClient.Response::is2xx);
        EdgeClient.Response added = edge.post("/api/cart/items", Map.of("sku", "SKU-12464", "quantity", 1), carol);
        assertThat(added.is2xx()).as(added.toString()).isTrue();

        // view the cart (as of the last command): 2 × 89.99 + 18.95 = 198.93, tax 6 % = 11.9358 → 11.94
        EdgeClient.Response cart = edge.send("GET", "/api/cart", null, carol, consistency(added));
        assertThat(cart.status()).as(cart.toString()).isEqualTo(200);
        assertThat(cart.body().get("lines")).hasSize(2);
        assertThat(cart.body().get("subtotalCents").asLong()).isEqualTo(19893);
        assertThat(cart.body().get("taxCents").asLong()).isEqualTo(1194);
        assertThat(cart.body().get("totalCents").asLong()).isEqualTo(21087);

        // the cart's own event log
        EdgeClient.Response events = edge.get("/api/cart/events", carol);
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        events.body().forEach(event -> types.add(event.get("type").asString()));
        assertThat(types).containsExactly("CartItemAdded", "CartItemAdded");
    }

    @Test
    void theDemoCustomersCheckOutWithTheirSavedCards_aliceIsDelivered_bobIsDeclined() {
        Map<String, String> outcomes = new java.util.HashMap<>();
        for (DemoData.Customer customer : DemoData.CUSTOMERS) {
            String token = await().atMost(PATIENCE).until(() -> loginOrNull(customer.email(), customer.password()),
                    t -> t != null);
            JsonNode me = edge.get("/api/accounts/me", token).body();
            assertThat(me.get("cards")).as(me.toString()).hasSize(1);
            String card = me.get("cards").get(0).get("cardToken").asString();
            await().atMost(PATIENCE).until(
                    () -> edge.post("/api/cart/items", Map.of("sku", "SKU-64233", "quantity", 1), token),
                    EdgeClient.Response::is2xx);

            EdgeClient.Response checkedOut = edge.post("/api/cart/checkout", Map.of("shippingAddress",
                    me.get("addresses").get(0), "cardToken", card),
                    token);
            assertThat(checkedOut.status()).as(checkedOut.toString()).isEqualTo(202);
            String orderId = checkedOut.body().get("orderId").asString();

            JsonNode order = await().atMost(PATIENCE).until(() -> edge.get("/api/orders/" + orderId, token).body(),
                    o -> Set.of("DELIVERED", "CANCELLED").contains(o.path("status").asString("")));
            outcomes.put(customer.email(), order.get("status").asString() + " "
                    + order.path("cancellationReason").asString(""));
        }
        assertThat(outcomes).containsEntry("alice@example.com", "DELIVERED ")
                .containsEntry("bob@example.com", "CANCELLED PAYMENT_DECLINED");
        // the notices function told each of them, once per notice
        for (DemoData.Customer customer : DemoData.CUSTOMERS) {
            String token = edge.login(customer.email(), customer.password());
            List<String> expected = customer.email().startsWith("alice")
                    ? List.of("ORDER_CONFIRMED", "ORDER_SHIPPED") : List.of("ORDER_CANCELLED");
            await().atMost(PATIENCE).untilAsserted(() -> {
                List<String> kinds = new ArrayList<>();
                edge.get("/api/accounts/me/messages", token).body()
                        .forEach(message -> kinds.add(message.get("kind").asString()));
                assertThat(kinds.stream().filter(kind -> kind.startsWith("ORDER_")).sorted().toList())
                        .isEqualTo(expected);
            });
        }
    }

    @Test
    void storeReplayViews_rebuildsTheViewsIntoANewGeneration_withTheSameContent() {
        String admin = edge.login(DemoData.ADMIN_EMAIL, store.adminPassword());
        // quiet: the views have read everything there is, and nothing more arrives (an order of another
        // test may still be settling its compensations)
        java.util.concurrent.atomic.AtomicLong lastRecords = new java.util.concurrent.atomic.AtomicLong(-1);
        JsonNode before = await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> edge.get("/api/views/status", admin).body(), status -> status.path("caughtUp").asBoolean()
                        && status.path("rebuild").isNull()
                        && lastRecords.getAndSet(status.path("records").asLong()) == status.path("records").asLong());
        JsonNode hashes = edge.get("/api/views/hash", admin).body();
        String hashBefore = hashes.get("views").toString();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();

        int exit = Store.run(new String[] {"replay", "views", "--url", store.edgeUrl().toString(),
                "--data", dataDir.toString()}, new PrintStream(printed), new PrintStream(printed));

        assertThat(exit).as(printed.toString()).isZero();
        JsonNode after = edge.get("/api/views/status", admin).body();
        assertThat(after.get("generation").asInt()).isGreaterThan(before.get("generation").asInt());
        JsonNode rebuilt = edge.get("/api/views/hash", admin).body();
        assertThat(rebuilt.get("offsets")).as("nothing arrived meanwhile").isEqualTo(hashes.get("offsets"));
        assertThat(rebuilt.get("views").toString()).isEqualTo(hashBefore);
    }

    @Test
    void edgeAnswersAnUnknownPathWith404() {
        // on the launcher's shared classpath the gateway would route it to Spring Cloud Function (a 500)
        EdgeClient.Response response = edge.get("/no/such/page", null);
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
    }

    @Test
    void edgeCallsTheServicesWithoutTheBulkheadTheSharedClasspathWouldAdd() {
        // resilience4j-bulkhead is on the launcher's one classpath, and Spring Cloud CircuitBreaker would put a
        // bulkhead around every call of edge's: at 50 checkouts/s it refused calls to carts with 500s (issue 14)
        assertThat(store.context("edge").getBeanNamesForType(
                org.springframework.cloud.circuitbreaker.resilience4j.Resilience4jBulkheadProvider.class)).isEmpty();
    }

    @Test
    void aRestartKeepsEverythingAndDoesNotLoadTheDemoDataTwice() throws Exception {
        // given: alice (a demo customer) has something in her cart
        DemoData.Customer alice = DemoData.CUSTOMERS.getFirst();
        String token = await().atMost(PATIENCE).until(() -> loginOrNull(alice.email(), alice.password()), t -> t != null);
        await().atMost(PATIENCE).until(
                () -> edge.post("/api/cart/items", Map.of("sku", "SKU-34563", "quantity", 3), token),
                EdgeClient.Response::is2xx);
        long stockBefore = edge.get("/api/inventory/SKU-34563", null).body().get("onHand").asLong();

        // when: the store stops and starts again over the same data
        store.close();
        store = start(config);

        // then
        assertThat(store.demoDataLoadedNow()).isFalse();
        assertThat(Files.exists(dataDir.resolve(DemoData.MARKER))).isTrue();
        assertThat(edge.get("/api/inventory/SKU-34563", null).body().get("onHand").asLong()).isEqualTo(stockBefore);
        String again = edge.login(alice.email(), alice.password());
        EdgeClient.Response cart = edge.get("/api/cart", again);
        assertThat(cart.status()).as(cart.toString()).isEqualTo(200);
        assertThat(cart.body().get("lines")).anySatisfy(line -> {
            assertThat(line.get("sku").asString()).isEqualTo("SKU-34563");
            assertThat(line.get("quantity").asInt()).isGreaterThanOrEqualTo(3);
        });
    }

    private static String loginOrNull(String email, String password) {
        EdgeClient.Response response = edge.post("/api/auth/login", Map.of("email", email, "password", password), null);
        return response.status() == 200 ? response.body().get("token").asString() : null;
    }

    private static List<String> skus(JsonNode items) {
        List<String> skus = new ArrayList<>();
        items.forEach(item -> skus.add(item.get("sku").asString()));
        return skus;
    }

    private static Map<String, String> consistency(EdgeClient.Response command) {
        String token = command.header("Consistency-Token");
        return token == null ? Map.of() : Map.of("Consistency-Token", token);
    }
}
