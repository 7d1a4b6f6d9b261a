package eventshop.carts.cart;

import static eventshop.carts.prices.CatalogMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.carts.CartsApplication;
import eventshop.contracts.Address;
import eventshop.contracts.EdgeToken;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
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
    static final String CARD = "tok_visa4242abcdef";
    static final String ADDRESS = """
            {"name":"Ada Lovelace","line1":"1 Analytical St","line2":"","city":"London","postalCode":"N1 9GU","country":"GB"}""";
    private static final AtomicLong ORDER_IDS = new AtomicLong();
    private static final JsonEventCodec<CartEvent> CART_EVENTS = JsonEventCodec.of(CartEvent.class);

    @TestBean
    Supplier<UUID> ids;

    static Supplier<UUID> ids() {
        return () -> new UUID(0xC0FFEEL, ORDER_IDS.incrementAndGet());
    }

    @Autowired
    MockMvcTester mvc;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    JsonMapper json;
    @Autowired
    Consumer<Message<byte[]>> catalogPrices;

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
        return mvc.post().uri("/api/cart/checkout").header(HttpHeaders.AUTHORIZATION, bearer(user))
                .header(CartController.IDEMPOTENCY_KEY, idempotencyKey).contentType(MediaType.APPLICATION_JSON)
                .content("{\"shippingAddress\":" + ADDRESS + ",\"cardToken\":\"" + CARD + "\"}").exchange();
    }

    JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    List<RecordedEvent> stored(EdgeUser user) {
        return store.read(Carts.streamOf(user.id()), 0).collectList().block();
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

            catalogPrices.accept(message(1, new ProductPriceChanged(sku, 2500, 3000)));
            assertThat(body(get(me, "/api/cart")).get("subtotalCents").asLong()).isEqualTo(2500);

            catalogPrices.accept(message(2, new ProductDiscontinued(sku)));
            JsonNode line = body(get(me, "/api/cart")).get("lines").get(0);
            assertThat(line.get("available").asBoolean()).isFalse();
            assertThat(line.get("unitPriceCents").asLong()).isEqualTo(2500);
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
            assertThat(CART_EVENTS.deserialize(last.type(), last.data(), 1)).isEqualTo(new CartCheckedOut(me.id(),
                    orderId, me.email(), List.of(new CheckedOutLine(KEYBOARD, "Keyboard", 2, 1250, 2500),
                    new CheckedOutLine(MOUSE, "Mouse", 3, 499, 1497)), 3997, 240, 4237,
                    new Address("Ada Lovelace", "1 Analytical St", "", "London", "N1 9GU", "GB"), CARD));
            assertThat(last.metadata().actingUser()).isEqualTo(me.id());

            assertThat(get(me, "/api/cart")).bodyJson().isLenientlyEqualTo("""
                    {"lines":[],"subtotalCents":0,"taxCents":0,"totalCents":0}""");
            assertThat(body(get(me, "/api/cart/events")).get(2).get("type").asString()).isEqualTo("CartCheckedOut");
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
            int clicks = 8;
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<MvcTestResult>> answers = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clicks)) {
                for (int i = 0; i < clicks; i++) {
                    String key = i % 2 == 0 ? "double-click" : null;
                    answers.add(pool.submit(() -> {
                        start.await();
                        return key == null ? checkOut(me) : checkOut(me, key);
                    }));
                }
                start.countDown();
                List<MvcTestResult> results = new java.util.ArrayList<>();
                for (var answer : answers) {
                    results.add(answer.get());
                }

                assertThat(stored(me).stream().filter(event -> event.type().equals("CartCheckedOut"))).hasSize(1);
                List<MvcTestResult> accepted = results.stream()
                        .filter(result -> result.getResponse().getStatus() == 202).toList();
                assertThat(accepted).isNotEmpty();
                assertThat(accepted.stream().map(result -> body(result).get("orderId").asString()).distinct())
                        .hasSize(1);
                assertThat(results).allSatisfy(result -> assertThat(result.getResponse().getStatus()).isIn(202, 409));
            }
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
            assertThat(description.path("paths").propertyNames()).containsExactlyInAnyOrder("/api/cart",
                    "/api/cart/events", "/api/cart/items", "/api/cart/items/{sku}", "/api/cart/checkout");
            JsonNode checkOut = description.at("/paths/~1api~1cart~1checkout/post");
            assertThat(checkOut.at("/requestBody/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/CheckoutRequest");
            assertThat(checkOut.at("/responses/202/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/CheckoutAccepted");
            assertThat(checkOut.at("/responses/202/headers").has(ConsistencyToken.HEADER)).isTrue();
            assertThat(description.at("/paths/~1api~1cart/get/responses/200/content/application~1json/schema/$ref")
                    .asString()).isEqualTo("#/components/schemas/CartView");
        }
    }
}
