package eventshop.carts.cart;

import static eventshop.carts.prices.CatalogMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.carts.AtOnce;
import eventshop.carts.CartsApplication;
import eventshop.carts.restoring.OrderMessages;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderStatus;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/cart} over HTTP with the edge-token security, one context for all: each customer sees
 * only their own cart, every refused request stores nothing, checkout emits {@code CartCheckedOut}
 * with the totals and empties the cart. Prices arrive through the catalog consumer, as from Kafka.
 */
@SpringBootTest(classes = CartsApplication.class, properties = {
        "spring.config.name=carts",
        "eventshop.eventstore.engine=memory",
        "spring.datasource.url=jdbc:h2:mem:carts-api;DB_CLOSE_DELAY=-1",
        "eventshop.relay.enabled=false",
        "spring.cloud.stream.function.autodetect=false",
        "spring.cloud.function.definition=",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc="})
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CartApiTest {

    static final String KEYBOARD = "SKU-24642";     // 1250
    static final String MOUSE = "SKU-34563";        // 499
    static final String CABLE = "SKU-12464";        // 9
    static final String RETIRED = "SKU-64233";      // discontinued
    static final String CARD = PaymentsStub.EVERYONES;
    static final String ADDRESS = """
            {"name":"Ada Lovelace","line1":"1 Analytical St","line2":"","city":"London","postalCode":"N1 9GU","country":"GB"}""";
    private static final AtomicLong ORDER_IDS = new AtomicLong();
    private static final JsonEventCodec<CartEvent> CART_EVENTS = JsonEventCodec.of(CartEvent.class);
    /**
     * One stub for the JVM, stopped with it: the cached contexts that call it outlive this class (a subclass,
     * {@link CartApiOnPostgresTest}, runs every test again with a context of its own).
     */
    static final PaymentsStub PAYMENTS = PaymentsStub.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PAYMENTS::close, "payments-stub-stop"));
    }

    @DynamicPropertySource
    static void paymentsAnswersAtTheStub(DynamicPropertyRegistry registry) {
        registry.add("eventshop.services.payments.url", PAYMENTS::url);
        registry.add("eventshop.services.accounts.url", PAYMENTS::url); // the customers' keys (PaymentsStub)
    }

    @TestBean
    Supplier<UUID> ids;

    static Supplier<UUID> ids() {
        return () -> new UUID(0xC0FFEEL, ORDER_IDS.incrementAndGet());
    }

    @Autowired
    MockMvcTester mvc;
    @Autowired
    eventshop.eventsourcing.privacy.Sealing sealing;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    JsonMapper json;
    @Autowired
    Consumer<Message<byte[]>> catalogPrices;
    @Autowired
    Consumer<Message<byte[]>> cancelledOrders;

    @BeforeAll
    void catalogAnnouncedItsProducts() {
        catalogPrices.accept(message(0, new ProductAdded(KEYBOARD, "Keyboard", "Clicky", 1250, "")));
        catalogPrices.accept(message(0, new ProductAdded(MOUSE, "Mouse", "", 499, "")));
        catalogPrices.accept(message(0, new ProductAdded(CABLE, "Cable", "", 9, "")));
        catalogPrices.accept(message(0, new ProductAdded(RETIRED, "Floppy drive", "", 2000, "")));
        catalogPrices.accept(message(1, new ProductDiscontinued(RETIRED)));
    }

    // ---- helpers

    /** A new customer, so tests never share a cart. */
    static EdgeUser customer() {
        String id = UUID.randomUUID().toString();
        return EdgeUser.customer(id, "c-" + id.substring(0, 8) + "@example.com");
    }

    String bearer(EdgeUser user) {
        return "Bearer " + tokens.mint(user);
    }

    MvcTestResult get(EdgeUser user, String uri) {
        return mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user)).exchange();
    }

    MvcTestResult post(EdgeUser user, String uri, String body) {
        return mvc.post().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user))
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }

    MvcTestResult put(EdgeUser user, String uri, String body) {
        return mvc.put().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user))
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }

    MvcTestResult delete(EdgeUser user, String uri) {
        return mvc.delete().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(user)).exchange();
    }

    MvcTestResult add(EdgeUser user, String sku, int quantity) {
        return post(user, "/api/cart/items", "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}");
    }

    MvcTestResult checkOut(EdgeUser user) {
        return post(user, "/api/cart/checkout", "{\"shippingAddress\":" + ADDRESS + ",\"cardToken\":\"" + CARD + "\"}");
    }

    MvcTestResult checkOut(EdgeUser user, String idempotencyKey) {
        return checkOut(user, idempotencyKey, ADDRESS, CARD);
    }

    MvcTestResult checkOut(EdgeUser user, String idempotencyKey, String address, String card) {
        var request = mvc.post().uri("/api/cart/checkout").header(HttpHeaders.AUTHORIZATION, bearer(user));
        if (idempotencyKey != null) {
            request = request.header(CartController.IDEMPOTENCY_KEY, idempotencyKey);
        }
        return request.contentType(MediaType.APPLICATION_JSON)
                .content("{\"shippingAddress\":" + address + ",\"cardToken\":\"" + card + "\"}").exchange();
    }

    long checkouts(EdgeUser user) {
        return stored(user).stream().filter(event -> event.type().equals("CartCheckedOut")).count();
    }

    JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    List<RecordedEvent> stored(EdgeUser user) {
        return store.read(Carts.streamOf(user.id()), 0).collectList().block();
    }

    /** A new product on sale at this price, announced by the catalog; its sku. */
    String newProduct(String name, long priceCents) {
        String sku = "SKU-N" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
        catalogPrices.accept(message(0, new ProductAdded(sku, name, "", priceCents, "")));
        return sku;
    }

    /** Asserts the answer is a problem of this status and type, and that nothing was appended by it. */
    void assertRefused(long headBefore, MvcTestResult result, HttpStatus status, String type) {
        assertThat(result).hasStatus(status);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (type != null) {
            assertThat(body(result).get("type").asString()).isEqualTo("/problems/" + type);
        }
        assertThat(store.headPosition()).as("nothing stored").isEqualTo(headBefore);
    }

    @Nested
    class Security {

        @Test
        void withoutAToken_is401() {
            long head = store.headPosition();

            assertRefused(head, mvc.get().uri("/api/cart").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
            assertRefused(head, mvc.post().uri("/api/cart/items").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"sku\":\"" + KEYBOARD + "\",\"quantity\":1}").exchange(), HttpStatus.UNAUTHORIZED,
                    "unauthorized");
        }

        @Test
        void withAForgedOrSessionToken_is401() {
            EdgeUser me = customer();
            String session = tokens.mint(me, EdgeToken.SESSION_AUDIENCE, java.time.Duration.ofMinutes(5));

            assertThat(mvc.get().uri("/api/cart").header(HttpHeaders.AUTHORIZATION, "Bearer not.a.jwt").exchange())
                    .hasStatus(HttpStatus.UNAUTHORIZED);
            assertThat(mvc.get().uri("/api/cart").header(HttpHeaders.AUTHORIZATION, "Bearer " + session).exchange())
                    .hasStatus(HttpStatus.UNAUTHORIZED);
        }

        @Test
        void theAnonymousCaller_is401_toLogInFirst() {
            long head = store.headPosition();

            assertRefused(head, get(EdgeUser.ANONYMOUS, "/api/cart"), HttpStatus.UNAUTHORIZED, "unauthorized");
            assertRefused(head, add(EdgeUser.ANONYMOUS, KEYBOARD, 1), HttpStatus.UNAUTHORIZED, "unauthorized");
        }

        @Test
        void anAdminWithoutTheCustomerRole_is403() {
            EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");
            long head = store.headPosition();

            assertRefused(head, get(admin, "/api/cart"), HttpStatus.FORBIDDEN, "forbidden");
            assertRefused(head, add(admin, KEYBOARD, 1), HttpStatus.FORBIDDEN, "forbidden");
            assertRefused(head, checkOut(admin), HttpStatus.FORBIDDEN, "forbidden");
        }

        @Test
        void eachCustomer_seesAndChangesOnlyTheirOwnCart() {
            EdgeUser alice = customer();
            EdgeUser bob = customer();
            assertThat(add(alice, KEYBOARD, 2)).hasStatusOk();

            assertThat(body(get(bob, "/api/cart")).get("lines")).isEmpty();
            assertThat(body(get(bob, "/api/cart/events"))).isEmpty();
            long head = store.headPosition();
            assertRefused(head, delete(bob, "/api/cart/items/" + KEYBOARD), HttpStatus.NOT_FOUND, "item-not-in-cart");
            assertRefused(head, put(bob, "/api/cart/items/" + KEYBOARD, "{\"quantity\":5}"), HttpStatus.NOT_FOUND,
                    "item-not-in-cart");
            assertRefused(head, checkOut(bob), HttpStatus.CONFLICT, "cart-is-empty");

            JsonNode aliceCart = body(get(alice, "/api/cart"));
            assertThat(aliceCart.get("lines")).hasSize(1);
            assertThat(aliceCart.get("lines").get(0).get("quantity").asInt()).isEqualTo(2);
        }
    }

    @Nested
    class Shopping {

        @Test
        void addItem_answersTheCartPricedWithTax_andAToken() {
            EdgeUser me = customer();

            MvcTestResult result = add(me, KEYBOARD, 1);

            assertThat(result).hasStatusOk();
            String token = result.getResponse().getHeader(ConsistencyToken.HEADER);
            assertThat(ConsistencyToken.parse(token).source()).isEqualTo("carts");
            assertThat(ConsistencyToken.parse(token).position()).isEqualTo(stored(me).getLast().position());
            assertThat(result).bodyJson().isLenientlyEqualTo("""
                    {"lines":[{"sku":"SKU-24642","name":"Keyboard","quantity":1,"unitPriceCents":1250,
                      "lineTotalCents":1250}],"subtotalCents":1250,"taxCents":75,"totalCents":1325}""");
        }

        @Test
        void theCart_addsToExistingLines_andRoundsTaxHalfUp() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            add(me, CABLE, 1);                  // 1259 → 75.54
            MvcTestResult result = add(me, CABLE, 0 + 1);  // 1268 → 76.08

            JsonNode cart = body(result);
            assertThat(cart.get("lines")).hasSize(2);
            assertThat(cart.get("lines").get(1).get("quantity").asInt()).isEqualTo(2);
            assertThat(cart.get("subtotalCents").asLong()).isEqualTo(1268);
            assertThat(cart.get("taxCents").asLong()).isEqualTo(76);
            assertThat(cart.get("totalCents").asLong()).isEqualTo(1344);
        }

        @Test
        void aQueryWithTheCommandsToken_seesTheCommand() {
            EdgeUser me = customer();
            String token = add(me, MOUSE, 3).getResponse().getHeader(ConsistencyToken.HEADER);

            MvcTestResult result = mvc.get().uri("/api/cart").header(HttpHeaders.AUTHORIZATION, bearer(me))
                    .header(ConsistencyToken.HEADER, token).exchange();

            assertThat(result).hasStatusOk();
            assertThat(body(result).get("subtotalCents").asLong()).isEqualTo(1497);
        }

        @Test
        void aMalformedConsistencyToken_is400() {
            EdgeUser me = customer();

            assertThat(mvc.get().uri("/api/cart").header(HttpHeaders.AUTHORIZATION, bearer(me))
                    .header(ConsistencyToken.HEADER, "whenever").exchange()).hasStatus(HttpStatus.BAD_REQUEST);
        }

        @Test
        void changeRemoveAndClear_answerTheCartAsItIsNow() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            add(me, MOUSE, 1);

            MvcTestResult changed = put(me, "/api/cart/items/" + MOUSE, "{\"quantity\":4}");
            assertThat(changed).hasStatusOk();
            assertThat(changed.getResponse().getHeader(ConsistencyToken.HEADER)).startsWith("carts:");
            assertThat(body(changed).get("subtotalCents").asLong()).isEqualTo(1250 + 4 * 499);

            MvcTestResult removed = delete(me, "/api/cart/items/" + KEYBOARD);
            assertThat(removed).hasStatusOk();
            assertThat(removed.getResponse().getHeader(ConsistencyToken.HEADER)).startsWith("carts:");
            assertThat(body(removed).get("lines")).hasSize(1);

            MvcTestResult cleared = delete(me, "/api/cart");
            assertThat(cleared).hasStatusOk();
            assertThat(cleared.getResponse().getHeader(ConsistencyToken.HEADER)).startsWith("carts:");
            assertThat(cleared).bodyJson().isLenientlyEqualTo("""
                    {"lines":[],"subtotalCents":0,"taxCents":0,"totalCents":0}""");
            assertThat(stored(me)).extracting(RecordedEvent::type).containsExactly("CartItemAdded", "CartItemAdded",
                    "CartItemQuantityChanged", "CartItemRemoved", "CartCleared");
        }

        @Test
        void theCart_showsTheCurrentPrice_andMarksADiscontinuedLine() {
            EdgeUser me = customer();
            String sku = "SKU-" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100000);
            catalogPrices.accept(message(0, new ProductAdded(sku, "Lamp", "", 3000, "")));
            add(me, sku, 1);

            assertThat(body(get(me, "/api/cart")).at("/lines/0/previousUnitPriceCents").isNull()).isTrue();

            catalogPrices.accept(message(1, new ProductPriceChanged(sku, 2500, 3000)));
            JsonNode repriced = body(get(me, "/api/cart"));
            assertThat(repriced.get("subtotalCents").asLong()).isEqualTo(2500);
            assertThat(repriced.at("/lines/0/unitPriceCents").asLong()).isEqualTo(2500);
            assertThat(repriced.at("/lines/0/previousUnitPriceCents").asLong()).as("the price when added")
                    .isEqualTo(3000);

            catalogPrices.accept(message(2, new ProductDiscontinued(sku)));
            JsonNode line = body(get(me, "/api/cart")).get("lines").get(0);
            assertThat(line.get("available").asBoolean()).isFalse();
            assertThat(line.get("unitPriceCents").asLong()).isEqualTo(2500);
        }

        @Test
        void aDiscontinuedLine_isShown_butCountsInNoTotal() {
            EdgeUser me = customer();
            String sku = newProduct("Typewriter", 4000);
            add(me, KEYBOARD, 1);
            add(me, sku, 2);

            catalogPrices.accept(message(1, new ProductDiscontinued(sku)));

            assertThat(get(me, "/api/cart")).bodyJson().isLenientlyEqualTo("""
                    {"lines":[{"sku":"SKU-24642","available":true,"lineTotalCents":1250},
                              {"sku":"%s","quantity":2,"available":false,"unitPriceCents":4000,"lineTotalCents":8000}],
                     "subtotalCents":1250,"taxCents":75,"totalCents":1325}""".formatted(sku));
        }

        @Test
        void aDiscontinuedLine_mayBeLoweredOrRemoved_butNotRaised() {
            EdgeUser me = customer();
            String sku = newProduct("Pager", 700);
            add(me, sku, 3);
            catalogPrices.accept(message(1, new ProductDiscontinued(sku)));
            long head = store.headPosition();

            MvcTestResult raised = put(me, "/api/cart/items/" + sku, "{\"quantity\":4}");

            assertRefused(head, raised, HttpStatus.UNPROCESSABLE_CONTENT, "discontinued-product");
            assertThat(body(raised).get("detail").asString()).contains(sku);
            assertThat(add(me, sku, 1)).hasStatus(HttpStatus.UNPROCESSABLE_CONTENT);
            assertThat(put(me, "/api/cart/items/" + sku, "{\"quantity\":1}")).hasStatusOk();
            assertThat(body(get(me, "/api/cart")).at("/lines/0/quantity").asInt()).isEqualTo(1);
            assertThat(delete(me, "/api/cart/items/" + sku)).hasStatusOk();
            assertThat(body(get(me, "/api/cart")).get("lines")).isEmpty();
        }

        @Test
        void twentyConcurrentAdds_byOneCustomer_allSucceed() throws Exception {
            for (int round = 0; round < 5; round++) {
                EdgeUser me = customer();
                List<MvcTestResult> results = AtOnce.run(20, i -> add(me, i % 2 == 0 ? KEYBOARD : MOUSE, 1));

                assertThat(results).allSatisfy(result -> assertThat(result).hasStatusOk());
                assertThat(body(get(me, "/api/cart")).get("lines")).extracting(line -> line.get("quantity").asInt())
                        .containsExactlyInAnyOrder(10, 10);
                assertThat(stored(me)).hasSize(20);
            }
        }

        @Test
        void theEventLog_listsTypeVersionPositionTimeAndDataAsAnObject() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 2);
            put(me, "/api/cart/items/" + KEYBOARD, "{\"quantity\":3}");

            JsonNode events = body(get(me, "/api/cart/events"));

            assertThat(events).hasSize(2);
            JsonNode first = events.get(0);
            assertThat(first.get("type").asString()).isEqualTo("CartItemAdded");
            assertThat(first.get("version").asLong()).isZero();
            assertThat(first.get("position").asLong()).isEqualTo(stored(me).getFirst().position());
            assertThat(first.get("recordedAt").asString()).isNotBlank();
            assertThat(first.get("data").isObject()).isTrue();
            assertThat(first.get("data").get("sku").asString()).isEqualTo(KEYBOARD);
            assertThat(first.get("data").get("customerId").asString()).isEqualTo(me.id());
            assertThat(events.get(1).get("data").get("quantity").asInt()).isEqualTo(3);
            assertThat(body(get(me, "/api/cart/events?fromVersion=1&limit=5"))).hasSize(1);
            assertThat(get(me, "/api/cart/events?limit=0")).hasStatus(HttpStatus.BAD_REQUEST);
            assertThat(get(me, "/api/cart/events?limit=1001")).hasStatus(HttpStatus.BAD_REQUEST);
            assertThat(get(me, "/api/cart/events?fromVersion=-1")).hasStatus(HttpStatus.BAD_REQUEST);
            assertThat(get(me, "/api/cart/events?fromVersion=first")).hasStatus(HttpStatus.BAD_REQUEST);
        }
    }

    @Nested
    class BadInput {

        @Test
        void malformedJson_is400() {
            EdgeUser me = customer();
            long head = store.headPosition();

            assertRefused(head, post(me, "/api/cart/items", "{\"sku\":\"SKU-24642\",\"quantity\":"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "not json"), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", ""), HttpStatus.BAD_REQUEST, null);
        }

        @Test
        void wrongTypesAndMissingFields_are400() {
            EdgeUser me = customer();
            long head = store.headPosition();

            assertRefused(head, post(me, "/api/cart/items", "{\"sku\":\"SKU-24642\",\"quantity\":\"two\"}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "{\"sku\":\"SKU-24642\",\"quantity\":1.5}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "{\"sku\":\"SKU-24642\",\"quantity\":10000000000}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "[{\"sku\":\"SKU-24642\",\"quantity\":1}]"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "{\"sku\":{\"a\":1},\"quantity\":1}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "{\"quantity\":1}"), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/items", "{\"sku\":\"SKU-24642\"}"), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, put(me, "/api/cart/items/" + KEYBOARD, "{}"), HttpStatus.BAD_REQUEST, null);
        }

        @Test
        void illFormedOrOverlongSkus_are400() {
            EdgeUser me = customer();
            long head = store.headPosition();

            assertRefused(head, add(me, "sku-lower", 1), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, add(me, "SKU-" + "9".repeat(40), 1), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, add(me, "", 1), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, put(me, "/api/cart/items/not-a-sku", "{\"quantity\":1}"), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, delete(me, "/api/cart/items/" + "A".repeat(41)), HttpStatus.BAD_REQUEST, null);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001, 1_000_000_000})
        void quantitiesOutside1To1000_are422(int quantity) {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            long head = store.headPosition();

            assertRefused(head, add(me, KEYBOARD, quantity), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-quantity");
            assertRefused(head, put(me, "/api/cart/items/" + KEYBOARD, "{\"quantity\":" + quantity + "}"),
                    HttpStatus.UNPROCESSABLE_CONTENT, "invalid-quantity");
        }

        @Test
        void aLineAbove1000InTotal_is422() {
            EdgeUser me = customer();
            assertThat(add(me, CABLE, 1000)).hasStatusOk();
            long head = store.headPosition();

            assertRefused(head, add(me, CABLE, 1), HttpStatus.UNPROCESSABLE_CONTENT, "line-quantity-exceeded");
        }

        @Test
        void unknownAndDiscontinuedSkus_are422() {
            EdgeUser me = customer();
            long head = store.headPosition();

            assertRefused(head, add(me, "SKU-00000", 1), HttpStatus.UNPROCESSABLE_CONTENT, "unknown-product");
            assertRefused(head, add(me, RETIRED, 1), HttpStatus.UNPROCESSABLE_CONTENT, "discontinued-product");
        }

        @Test
        void anOversizedBody_is413() {
            EdgeUser me = customer();
            long head = store.headPosition();
            String huge = "{\"sku\":\"" + KEYBOARD + "\",\"quantity\":1,\"padding\":\"" + "x".repeat(70_000) + "\"}";

            assertRefused(head, post(me, "/api/cart/items", huge), HttpStatus.CONTENT_TOO_LARGE, "payload-too-large");
        }

        @Test
        void badCheckoutBodies_are400() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            long head = store.headPosition();

            assertRefused(head, post(me, "/api/cart/checkout", "{\"cardToken\":\"" + CARD + "\"}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/checkout", "{\"shippingAddress\":" + ADDRESS + "}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/checkout",
                    "{\"shippingAddress\":" + ADDRESS + ",\"cardToken\":\"4242424242424242\"}"), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/checkout",
                    "{\"shippingAddress\":" + ADDRESS + ",\"cardToken\":\"tok_" + "a".repeat(100) + "\"}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/checkout", "{\"shippingAddress\":"
                            + ADDRESS.replace("Ada Lovelace", "A".repeat(201)) + ",\"cardToken\":\"" + CARD + "\"}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/checkout", "{\"shippingAddress\":"
                            + ADDRESS.replace("\"London\"", "\" \"") + ",\"cardToken\":\"" + CARD + "\"}"),
                    HttpStatus.BAD_REQUEST, null);
            assertRefused(head, post(me, "/api/cart/checkout", "{\"shippingAddress\":\"home\",\"cardToken\":\"" + CARD
                    + "\"}"), HttpStatus.BAD_REQUEST, null);
        }
    }

    @Nested
    class CheckingOut {

        @Test
        void checkout_is202WithTheOrderId_storesCartCheckedOutWithTotals_andEmptiesTheCart() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 2);
            add(me, MOUSE, 3);

            MvcTestResult result = checkOut(me);

            assertThat(result).hasStatus(HttpStatus.ACCEPTED);
            String orderId = body(result).get("orderId").asString();
            assertThat(UUID.fromString(orderId).getMostSignificantBits()).isEqualTo(0xC0FFEEL);
            assertThat(result.getResponse().getHeader(HttpHeaders.LOCATION)).isEqualTo("/api/orders/" + orderId);
            RecordedEvent last = stored(me).getLast();
            assertThat(result.getResponse().getHeader(ConsistencyToken.HEADER))
                    .isEqualTo("carts:" + last.position() + "@cart-" + me.id());
            CartCheckedOut checkedOut = (CartCheckedOut) CART_EVENTS.deserialize(last.type(), last.data(), 1);
            Address home = new Address("Ada Lovelace", "1 Analytical St", "", "London", "N1 9GU", "GB");
            assertThat(checkedOut).usingRecursiveComparison().ignoringFields("email", "shippingAddress")
                    .isEqualTo(new CartCheckedOut(me.id(), orderId, me.email(), List.of(
                            new CheckedOutLine(KEYBOARD, "Keyboard", 2, 1250, 2500),
                            new CheckedOutLine(MOUSE, "Mouse", 3, 499, 1497)), 3997, 240, 4237, home, CARD));
            // the personal data is stored sealed for the customer (docs/privacy.md), and opens to what was sent
            assertThat(new String(last.data(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("Lovelace")
                    .doesNotContain("Analytical").doesNotContain(me.email());
            assertThat(sealing.open(checkedOut.email())).isEqualTo(me.email());
            assertThat(sealing.open(checkedOut.shippingAddress())).isEqualTo(home);
            assertThat(last.metadata().actingUser()).isEqualTo(me.id());

            assertThat(get(me, "/api/cart")).bodyJson().isLenientlyEqualTo("""
                    {"lines":[],"subtotalCents":0,"taxCents":0,"totalCents":0}""");
            assertThat(body(get(me, "/api/cart/events")).get(2).get("type").asString()).isEqualTo("CartCheckedOut");
        }

        @Test
        void checkout_ofAForgottenCustomer_is410_andStoresNothing() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            PAYMENTS.forget(me.id());
            long head = store.headPosition();

            assertRefused(head, checkOut(me), HttpStatus.GONE, "account-forgotten");
        }

        @Test
        void checkout_ofAnEmptyCart_is409_andAfterACheckoutToo() {
            EdgeUser me = customer();
            long head = store.headPosition();
            assertRefused(head, checkOut(me), HttpStatus.CONFLICT, "cart-is-empty");

            add(me, MOUSE, 1);
            assertThat(checkOut(me)).hasStatus(HttpStatus.ACCEPTED);
            head = store.headPosition();
            assertRefused(head, checkOut(me), HttpStatus.CONFLICT, "cart-is-empty");
        }

        @Test
        void aRetriedCheckout_withTheSameIdempotencyKey_answersTheSameOrder_andStoresOneCheckout() {
            EdgeUser me = customer();
            add(me, MOUSE, 2);

            MvcTestResult first = checkOut(me, "retry-1");
            long head = store.headPosition();
            MvcTestResult second = checkOut(me, "retry-1");

            assertThat(first).hasStatus(HttpStatus.ACCEPTED);
            assertThat(second).hasStatus(HttpStatus.ACCEPTED);
            assertThat(body(second).get("orderId").asString()).isEqualTo(body(first).get("orderId").asString());
            assertThat(store.headPosition()).as("nothing stored by the retry").isEqualTo(head);
            assertThat(stored(me).stream().filter(event -> event.type().equals("CartCheckedOut"))).hasSize(1);
            // a new key is a new checkout, of a cart that is empty now
            assertRefused(head, checkOut(me, "retry-2"), HttpStatus.CONFLICT, "cart-is-empty");
        }

        @Test
        void concurrentCheckouts_ofOneCart_storeOneCheckout() throws Exception {
            EdgeUser me = customer();
            add(me, MOUSE, 1);
            add(me, KEYBOARD, 1);

            List<MvcTestResult> results = AtOnce.run(8, i -> i % 2 == 0 ? checkOut(me, "double-click") : checkOut(me));

            assertThat(stored(me).stream().filter(event -> event.type().equals("CartCheckedOut"))).hasSize(1);
            List<MvcTestResult> accepted = results.stream()
                    .filter(result -> result.getResponse().getStatus() == 202).toList();
            assertThat(accepted).isNotEmpty();
            assertThat(accepted.stream().map(result -> body(result).get("orderId").asString()).distinct())
                    .hasSize(1);
            assertThat(results).allSatisfy(result -> assertThat(result.getResponse().getStatus()).isIn(202, 409));
        }

        @Test
        void aMalformedIdempotencyKey_is400_andStoresNothing() {
            EdgeUser me = customer();
            add(me, MOUSE, 1);
            long head = store.headPosition();

            assertRefused(head, checkOut(me, "no spaces allowed"), HttpStatus.BAD_REQUEST, null);
            assertRefused(head, checkOut(me, "k".repeat(101)), HttpStatus.BAD_REQUEST, null);
        }

        @Test
        void afterCheckout_theNextItemOpensANewCart() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            checkOut(me);

            JsonNode cart = body(add(me, MOUSE, 1));

            assertThat(cart.get("lines")).hasSize(1);
            assertThat(cart.get("lines").get(0).get("sku").asString()).isEqualTo(MOUSE);
            assertThat(cart.get("totalCents").asLong()).isEqualTo(499 + 30);
        }

        @Test
        void checkout_capturesThePriceAtCheckout_notWhenAdded() {
            EdgeUser me = customer();
            String sku = "SKU-" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
            catalogPrices.accept(message(0, new ProductAdded(sku, "Chair", "", 10000, "")));
            add(me, sku, 1);
            catalogPrices.accept(message(1, new ProductPriceChanged(sku, 8000, 10000)));

            assertThat(checkOut(me)).hasStatus(HttpStatus.ACCEPTED);

            CartCheckedOut event = (CartCheckedOut) CART_EVENTS.deserialize("CartCheckedOut", stored(me).getLast().data(), 1);
            assertThat(event.lines().getFirst().unitPriceCents()).isEqualTo(8000);
            assertThat(event.totalCents()).isEqualTo(8480);
        }

        @Test
        void checkout_withAProductDiscontinuedMeanwhile_is422NamingIt() {
            EdgeUser me = customer();
            String sku = "SKU-" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100000);
            catalogPrices.accept(message(0, new ProductAdded(sku, "Fax", "", 5000, "")));
            add(me, KEYBOARD, 1);
            add(me, sku, 1);
            catalogPrices.accept(message(1, new ProductDiscontinued(sku)));
            long head = store.headPosition();

            MvcTestResult result = checkOut(me);

            assertRefused(head, result, HttpStatus.UNPROCESSABLE_CONTENT, "discontinued-product");
            assertThat(body(result).get("detail").asString()).contains(sku);
            assertThat(body(get(me, "/api/cart")).get("lines")).hasSize(2);
        }
    }

    /** The sequences: a key names one checkout of one request. */
    @Nested
    class IdempotencyKeys {

        @Test
        void theKeyReused_afterLinesWereAdded_is422NamingTheOrder_andOrdersNothing() {
            // given the mug checked out with key k as order X
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            MvcTestResult first = checkOut(me, "k");
            assertThat(first).hasStatus(HttpStatus.ACCEPTED);
            String x = body(first).get("orderId").asString();
            // and 3 more bottles added
            add(me, MOUSE, 3);
            long head = store.headPosition();

            // when the same key checks out again
            MvcTestResult again = checkOut(me, "k");

            // then it is refused, naming X, and the bottles are still in the cart, not ordered
            assertRefused(head, again, HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused");
            assertThat(body(again).get("detail").asString()).contains(x);
            assertThat(checkouts(me)).isEqualTo(1);
            assertThat(body(get(me, "/api/cart")).get("lines")).extracting(line -> line.get("sku").asString())
                    .containsExactly(MOUSE);
            // and a new key orders them
            MvcTestResult second = checkOut(me, "k2");
            assertThat(second).hasStatus(HttpStatus.ACCEPTED);
            assertThat(body(second).get("orderId").asString()).isNotEqualTo(x);
        }

        @Test
        void theKeyReused_withAnotherAddressOrCard_is422_andStoresNothing() {
            EdgeUser me = customer();
            PAYMENTS.card("tok_" + me.id().replace("-", ""), me.id(), 12, 2099);
            add(me, KEYBOARD, 1);
            String x = body(checkOut(me, "k")).get("orderId").asString();
            long head = store.headPosition();

            MvcTestResult elsewhere = checkOut(me, "k", ADDRESS.replace("London", "Leeds"), CARD);
            MvcTestResult otherCard = checkOut(me, "k", ADDRESS, "tok_" + me.id().replace("-", ""));

            assertRefused(head, elsewhere, HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused");
            assertRefused(head, otherCard, HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused");
            assertThat(body(elsewhere).get("detail").asString()).contains(x);
            assertThat(body(checkOut(me, "k"))).as("the original request still answers X")
                    .isEqualTo(json.readTree("{\"orderId\":\"" + x + "\"}"));
        }

        @Test
        void threeIdenticalCheckoutsAtOnce_allAnswerTheSameOrder_withOneCheckout() throws Exception {
            for (int round = 0; round < 20; round++) {
                EdgeUser me = customer();
                add(me, KEYBOARD, 1);
                add(me, MOUSE, 2);

                List<MvcTestResult> results = AtOnce.run(3, i -> checkOut(me, "same-key"));

                assertThat(results).allSatisfy(result -> assertThat(result).hasStatus(HttpStatus.ACCEPTED));
                assertThat(results.stream().map(result -> body(result).get("orderId").asString()).distinct())
                        .hasSize(1);
                assertThat(checkouts(me)).isEqualTo(1);
            }
        }
    }

    /** A checkout's card token is checked with payments, as the customer, before anything is stored. */
    @Nested
    class Cards {

        @Test
        void anUnknownToken_is422_andStoresNothing() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            long head = store.headPosition();

            MvcTestResult result = checkOut(me, null, ADDRESS, "tok_" + "0".repeat(32));

            assertRefused(head, result, HttpStatus.UNPROCESSABLE_CONTENT, "unknown-card");
            assertThat(body(get(me, "/api/cart")).get("lines")).hasSize(1);
        }

        @Test
        void anotherCustomersToken_is422_andStoresNothing_payments_beingAskedAsTheCustomer() {
            EdgeUser me = customer();
            EdgeUser other = customer();
            String theirs = "tok_" + other.id().replace("-", "");
            PAYMENTS.card(theirs, other.id(), 12, 2099);
            add(me, KEYBOARD, 1);
            long head = store.headPosition();
            PAYMENTS.callers.clear();

            MvcTestResult result = checkOut(me, "k", ADDRESS, theirs);

            assertRefused(head, result, HttpStatus.UNPROCESSABLE_CONTENT, "unknown-card");
            assertThat(PAYMENTS.callers).containsExactly(me.id());
        }

        @Test
        void anExpiredCard_is422_andStoresNothing() {
            EdgeUser me = customer();
            String expired = "tok_" + me.id().replace("-", "");
            PAYMENTS.card(expired, me.id(), 1, 2020);
            add(me, KEYBOARD, 1);
            long head = store.headPosition();

            MvcTestResult result = checkOut(me, null, ADDRESS, expired);

            assertRefused(head, result, HttpStatus.UNPROCESSABLE_CONTENT, "card-expired");
            assertThat(body(result).get("detail").asString()).contains("2020-01");
        }

        @Test
        void theCustomersOwnCard_checksOut_withThatToken() {
            EdgeUser me = customer();
            String mine = "tok_" + me.id().replace("-", "");
            PAYMENTS.card(mine, me.id(), 12, 2099);
            add(me, KEYBOARD, 1);

            assertThat(checkOut(me, null, ADDRESS, mine)).hasStatus(HttpStatus.ACCEPTED);

            RecordedEvent last = stored(me).getLast();
            assertThat(((CartCheckedOut) CART_EVENTS.deserialize(last.type(), last.data(), 1)).cardToken())
                    .isEqualTo(mine);
        }

        @Test
        void paymentsNotAnswering_is503_andStoresNothing() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            long head = store.headPosition();
            PAYMENTS.failWith(500);
            try {
                MvcTestResult result = checkOut(me, "k");

                assertRefused(head, result, HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable");
                assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isNotBlank();
            } finally {
                PAYMENTS.failWith(0);
            }
            assertThat(checkOut(me, "k")).as("the retry, once payments answers").hasStatus(HttpStatus.ACCEPTED);
        }
    }

    /** An order cancelled before it was confirmed gives the customer's cart its lines back. */
    @Nested
    class Restoring {

        String checkedOut(EdgeUser me) {
            add(me, KEYBOARD, 2);
            add(me, MOUSE, 1);
            MvcTestResult result = checkOut(me);
            assertThat(result).hasStatus(HttpStatus.ACCEPTED);
            return body(result).get("orderId").asString();
        }

        void cancelled(String orderId, EdgeUser me, OrderStatus previousStatus) {
            cancelledOrders.accept(OrderMessages.message(new OrderCancelled(orderId, me.id(),
                    CancellationReason.PAYMENT_DECLINED, "payment declined: CARD_DECLINED", previousStatus)));
        }

        @Test
        void anOrderCancelledBeforeConfirmation_givesTheLinesBack_once() {
            for (OrderStatus before : List.of(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED,
                    OrderStatus.PAYMENT_AUTHORIZED)) {
                EdgeUser me = customer();
                String orderId = checkedOut(me);
                add(me, KEYBOARD, 1);   // added meanwhile

                Message<byte[]> cancellation = OrderMessages.message(new OrderCancelled(orderId, me.id(),
                        CancellationReason.OUT_OF_STOCK, "short", before));
                cancelledOrders.accept(cancellation);
                cancelledOrders.accept(cancellation);                       // redelivered
                cancelled(orderId, me, before);                             // the same, under another event id

                assertThat(get(me, "/api/cart")).bodyJson().isLenientlyEqualTo("""
                        {"lines":[{"sku":"SKU-24642","quantity":3},{"sku":"SKU-34563","quantity":1}],
                         "subtotalCents":4249}""");
                assertThat(stored(me)).extracting(RecordedEvent::type).as("cancelled when %s", before)
                        .containsOnlyOnce("CartRestored");
            }
        }

        @Test
        void anOrderCancelledAfterConfirmation_orByAnOldEvent_givesNothingBack() {
            for (OrderStatus before : java.util.Arrays.asList(OrderStatus.CONFIRMED, OrderStatus.SHIPPED, null)) {
                EdgeUser me = customer();
                String orderId = checkedOut(me);
                long head = store.headPosition();

                cancelled(orderId, me, before);

                assertThat(store.headPosition()).as("cancelled when %s", before).isEqualTo(head);
                assertThat(body(get(me, "/api/cart")).get("lines")).isEmpty();
            }
        }

        @Test
        void anotherCustomersOrder_orOtherOrderEvents_giveNothing() {
            EdgeUser me = customer();
            EdgeUser other = customer();
            String orderId = checkedOut(me);
            long head = store.headPosition();

            cancelled(orderId, other, OrderStatus.PLACED);
            cancelledOrders.accept(OrderMessages.message(new OrderConfirmed(orderId, me.id())));
            cancelledOrders.accept(OrderMessages.message(orderId, "OrderRefundedTwice", "{}"));

            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void aRepeatOfTheCancelledCheckout_stillAnswersItsOrder_butAnotherCardUnderItsKeyIsRefused() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            String orderId = body(checkOut(me, "lost-answer")).get("orderId").asString();
            cancelled(orderId, me, OrderStatus.PAYMENT_AUTHORIZED);
            long head = store.headPosition();

            MvcTestResult repeat = checkOut(me, "lost-answer");

            assertThat(repeat).hasStatus(HttpStatus.ACCEPTED);
            assertThat(body(repeat).get("orderId").asString()).isEqualTo(orderId);
            assertThat(store.headPosition()).isEqualTo(head);
            PAYMENTS.card("tok_" + me.id().replace("-", ""), me.id(), 12, 2099);
            assertRefused(head, checkOut(me, "lost-answer", ADDRESS, "tok_" + me.id().replace("-", "")),
                    HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused");
            assertThat(body(get(me, "/api/cart")).get("lines")).hasSize(1);
        }

        @Test
        void theCartGivenBack_isCheckedOutAgain_withANewKey() {
            EdgeUser me = customer();
            String orderId = checkedOut(me);
            cancelled(orderId, me, OrderStatus.STOCK_RESERVED);

            MvcTestResult retry = checkOut(me, "retry-with-another-card");

            assertThat(retry).hasStatus(HttpStatus.ACCEPTED);
            assertThat(body(retry).get("orderId").asString()).isNotEqualTo(orderId);
            CartCheckedOut again = (CartCheckedOut) CART_EVENTS.deserialize("CartCheckedOut",
                    stored(me).getLast().data(), 1);
            assertThat(again.lines()).extracting(CheckedOutLine::sku, CheckedOutLine::quantity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(KEYBOARD, 2),
                            org.assertj.core.groups.Tuple.tuple(MOUSE, 1));
        }
    }

    /** The cart's {@code _links}: what its customer may do with it as it is now. */
    @Nested
    class Links {

        JsonNode links(MvcTestResult result) {
            assertThat(result).hasStatusOk();
            return body(result).get("_links");
        }

        @Test
        void anEmptyCart_linksItselfItsEvents_andAddItem_only() {
            EdgeUser me = customer();

            MvcTestResult result = get(me, "/api/cart");

            assertThat(result.getResponse().getContentType()).startsWith("application/hal+json");
            JsonNode cart = body(result);
            assertThat(cart.propertyNames()).containsExactlyInAnyOrder("lines", "subtotalCents", "taxCents",
                    "totalCents", "_links");
            assertThat(cart.get("_links").propertyNames()).containsExactly("self", "events", "add-item");
            assertThat(cart.at("/_links/self/href").asString()).isEqualTo("/api/cart");
            assertThat(cart.at("/_links/events/href").asString()).isEqualTo("/api/cart/events");
            assertThat(cart.at("/_links/add-item/href").asString()).isEqualTo("/api/cart/items");
        }

        @Test
        void aCartWithLines_linksCheckoutClear_andEachLinesChangeAndRemoval_asTemplates() {
            EdgeUser me = customer();

            JsonNode links = links(add(me, KEYBOARD, 1));

            assertThat(links.propertyNames()).containsExactly("self", "events", "add-item", "change-quantity",
                    "remove-item", "clear", "checkout");
            assertThat(links.at("/checkout/href").asString()).isEqualTo("/api/cart/checkout");
            assertThat(links.at("/clear/href").asString()).isEqualTo("/api/cart");
            assertThat(links.at("/remove-item/href").asString()).isEqualTo("/api/cart/items/{sku}");
            assertThat(links.at("/remove-item/templated").asBoolean()).isTrue();
            assertThat(links.at("/change-quantity/templated").asBoolean()).isTrue();
            assertThat(links(get(me, "/api/cart")).propertyNames()).contains("checkout", "clear");

            String removal = links.at("/remove-item/href").asString().replace("{sku}", KEYBOARD);
            assertThat(links(delete(me, removal)).propertyNames()).containsExactly("self", "events", "add-item");
        }

        @Test
        void aCartWithADiscontinuedLine_linksNoCheckout() {
            EdgeUser me = customer();
            String sku = newProduct("Lamp", 3000);
            add(me, sku, 1);
            add(me, KEYBOARD, 1);

            catalogPrices.accept(message(1, new ProductDiscontinued(sku)));

            assertThat(links(get(me, "/api/cart")).propertyNames()).containsExactly("self", "events", "add-item",
                    "change-quantity", "remove-item", "clear");
        }

        @Test
        void aCartJustCheckedOut_linksAddItem_only_andItsEventsShowTheCheckout() {
            EdgeUser me = customer();
            String checkout = links(add(me, KEYBOARD, 1)).at("/checkout/href").asString();
            assertThat(post(me, checkout, "{\"shippingAddress\":" + ADDRESS + ",\"cardToken\":\"" + CARD + "\"}"))
                    .hasStatus(HttpStatus.ACCEPTED);

            JsonNode links = links(get(me, "/api/cart"));

            assertThat(links.propertyNames()).containsExactly("self", "events", "add-item");
            JsonNode events = body(get(me, links.at("/events/href").asString()));
            assertThat(events).extracting(event -> event.get("type").asString())
                    .containsExactly("CartItemAdded", "CartCheckedOut");
        }

        @Test
        void theEvents_areTheCallersOwnCarts_withoutATokenIs401() {
            EdgeUser me = customer();
            add(me, KEYBOARD, 1);
            long head = store.headPosition();

            assertRefused(head, mvc.get().uri("/api/cart/events").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
            assertThat(body(get(customer(), "/api/cart/events"))).isEmpty();
            assertThat(body(get(me, "/api/cart/events?fromVersion=0&limit=1"))).hasSize(1);
            assertRefused(head, get(me, "/api/cart/events?limit=1001"), HttpStatus.BAD_REQUEST, null);
        }
    }

    @Nested
    class Description {

        @Test
        void theOpenApiDescription_needsNoToken_andNamesTheServiceItsEndpointsAndTheEdgeToken() {
            // when
            MvcTestResult result = mvc.get().uri("/v3/api-docs").exchange();

            // then
            assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
            JsonNode description = body(result);
            assertThat(description.at("/info/title").asString()).isEqualTo("eventshop carts");
            assertThat(description.at("/info/version").asString()).isNotBlank();
            assertThat(description.at("/components/securitySchemes/edgeToken/scheme").asString()).isEqualTo("bearer");
            assertThat(description.path("paths").propertyNames())
                    .filteredOn(path -> !path.startsWith("/api/ops/")).containsExactlyInAnyOrder("/api/cart",
                    "/api/cart/events", "/api/cart/items", "/api/cart/items/{sku}", "/api/cart/checkout");
            // the operations console's endpoints (the starter's, in every service), each for the admin only
            assertThat(description.path("paths").propertyNames()).contains("/api/ops/carts/overview",
                    "/api/ops/carts/events", "/api/ops/carts/streams/{streamId}", "/api/ops/carts/audit");
            assertThat(description.at("/paths/~1api~1ops~1carts~1events/get/responses").has("403")).isTrue();
            JsonNode checkOut = description.at("/paths/~1api~1cart~1checkout/post");
            assertThat(checkOut.at("/requestBody/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/CheckoutRequest");
            assertThat(checkOut.at("/responses/202/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/CheckoutAccepted");
            assertThat(checkOut.at("/responses/202/headers").has(ConsistencyToken.HEADER)).isTrue();
            assertThat(description.at("/paths/~1api~1cart/get/responses/200/content/application~1json/schema/$ref")
                    .asString()).isEqualTo("#/components/schemas/EntityModelCartView");
            // the cart's fields, and its HAL links
            assertThat(description.at("/components/schemas/EntityModelCartView/properties").propertyNames())
                    .contains("lines", "totalCents", "_links");
        }
    }
}
