package eventshop.views;

import static eventshop.views.Events.line;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.views.Events.Fate;
import eventshop.views.Events.Sent;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The queries over HTTP with the edge-token security, each waiting for its events with a consistency token. */
@ViewsTest
class QueriesTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    JsonMapper json;

    final Events events = Events.INSTANCE;
    final EdgeUser alice = customer();
    final EdgeUser bob = customer();
    final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");

    static EdgeUser customer() {
        String id = UUID.randomUUID().toString();
        return EdgeUser.customer(id, "c-" + id.substring(0, 8) + "@example.com");
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    MvcTestResult get(EdgeUser user, String uri, String token) {
        var request = mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(user));
        if (token != null) {
            request = request.header(ConsistencyToken.HEADER, token);
        }
        return request.exchange();
    }

    JsonNode ok(MvcTestResult result) {
        assertThat(result).hasStatus(HttpStatus.OK);
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    void assertProblem(MvcTestResult result, HttpStatus status) {
        assertThat(result).hasStatus(status);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    @Test
    void theFeedIsMeasured_lagAppliedRecordsAndGeneration(@Autowired io.micrometer.core.instrument.MeterRegistry meters) {
        String order = newId();
        Sent placed = events.order(alice.id(), order, List.of(line("SKU-M1", 1, 500)), Fate.PLACED);
        ok(get(alice, "/api/orders", placed.token()));

        assertThat(meters.get("views.records.applied").gauge().value()).isPositive();
        assertThat(meters.get("views.lag").gauge().value()).isNotNegative();
        assertThat(meters.get("views.generation").gauge().value()).isPositive();
        assertThat(meters.get("views.rebuild.progress").gauge().value()).isBetween(0.0, 1.0);
    }

    @Nested
    class OrderHistory {

        @Test
        void aCustomerSeesOnlyOwnOrders_newestFirst_withLiveStatus() {
            // given
            String first = newId();
            String second = newId();
            events.order(alice.id(), first, List.of(line("SKU-Q1", 2, 1000)), Fate.DELIVERED);
            events.order(bob.id(), newId(), List.of(line("SKU-Q1", 1, 1000)), Fate.CONFIRMED);
            Sent last = events.order(alice.id(), second, List.of(line("SKU-Q1", 1, 1000), line("SKU-Q2", 3, 500)),
                    Fate.OUT_OF_STOCK);

            // when
            JsonNode page = ok(get(alice, "/api/orders", last.token()));

            // then
            assertThat(page.get("total").asLong()).isEqualTo(2);
            assertThat(page.get("page").asInt()).isZero();
            assertThat(page.get("size").asInt()).isEqualTo(20);
            JsonNode newest = page.get("items").get(0);
            assertThat(newest.get("orderId").asString()).isEqualTo(second);
            assertThat(newest.get("customerId").asString()).isEqualTo(alice.id());
            assertThat(newest.get("status").asString()).isEqualTo("CANCELLED");
            assertThat(newest.get("cancellationReason").asString()).isEqualTo("OUT_OF_STOCK");
            assertThat(newest.get("itemCount").asInt()).isEqualTo(4);
            assertThat(newest.get("lineCount").asInt()).isEqualTo(2);
            assertThat(newest.get("subtotalCents").asLong()).isEqualTo(2500);
            assertThat(newest.get("taxCents").asLong()).isEqualTo(150);
            assertThat(newest.get("totalCents").asLong()).isEqualTo(2650);
            assertThat(newest.get("placedAt").asString()).isNotBlank();
            assertThat(newest.get("updatedAt").asString()).isNotBlank();
            JsonNode older = page.get("items").get(1);
            assertThat(older.get("orderId").asString()).isEqualTo(first);
            assertThat(older.get("status").asString()).isEqualTo("DELIVERED");
            assertThat(older.get("cancellationReason").isNull()).isTrue();

            JsonNode bobs = ok(get(bob, "/api/orders", last.token()));
            assertThat(bobs.get("total").asLong()).isEqualTo(1);
            assertThat(bobs.get("items").get(0).get("customerId").asString()).isEqualTo(bob.id());
            // a customer's customerId parameter is ignored; an admin's picks the customer
            assertThat(ok(get(bob, "/api/orders?customerId=" + alice.id(), null)).get("total").asLong()).isEqualTo(1);
            assertThat(ok(get(admin, "/api/orders?customerId=" + alice.id(), null)).get("total").asLong()).isEqualTo(2);
            JsonNode paged = ok(get(alice, "/api/orders?page=1&size=1", null));
            assertThat(paged.get("items").get(0).get("orderId").asString()).isEqualTo(first);
        }

        @Test
        void theList_linksItself_andEachOrder_itsResourceAndEventsAtOrders_butNoCommand() {
            String order = newId();
            Sent placed = events.order(alice.id(), order, List.of(line("SKU-Q1", 1, 700)), Fate.CONFIRMED);

            JsonNode page = ok(get(alice, "/api/orders?size=5", placed.token()));

            assertThat(page.at("/_links/self/href").asString()).isEqualTo("/api/orders?page=0&size=5");
            JsonNode newest = page.get("items").get(0);
            assertThat(newest.get("orderId").asString()).isEqualTo(order);
            assertThat(newest.get("_links").propertyNames()).containsExactly("self", "events");
            assertThat(newest.at("/_links/self/href").asString()).isEqualTo("/api/orders/" + order);
            assertThat(newest.at("/_links/events/href").asString()).isEqualTo("/api/orders/" + order + "/events");
            assertThat(ok(get(admin, "/api/orders?customerId=" + alice.id(), null)).at("/_links/self/href").asString())
                    .isEqualTo("/api/orders?page=0&size=20&customerId=" + alice.id());
        }

        @Test
        void duplicatesAndOlderCopies_changeNothing() {
            String order = newId();
            Sent confirmed = events.order(alice.id(), order, List.of(line("SKU-Q1", 1, 700)), Fate.CONFIRMED);
            Sent shipped = events.publish("orders", "order-" + order, new eventshop.contracts.orders.OrderEvent
                    .OrderShipped(order, alice.id()));
            events.resend(confirmed); // the relay sending an older event again after a restart
            Sent marker = events.publish("orders", "order-" + newId(), new eventshop.contracts.orders.OrderEvent
                    .OrderStockReserved("unknown-order"));

            JsonNode page = ok(get(alice, "/api/orders", marker.token()));

            assertThat(page.get("items").get(0).get("status").asString()).isEqualTo("SHIPPED");
            assertThat(shipped.version()).isGreaterThan(confirmed.version());
        }

        @Test
        void withoutAValidToken_401_andAnonymous_401_andTheEdgeRole_403() {
            assertProblem(mvc.get().uri("/api/orders").exchange(), HttpStatus.UNAUTHORIZED);
            assertProblem(mvc.get().uri("/api/orders").header(HttpHeaders.AUTHORIZATION, "Bearer not.a.jwt")
                    .exchange(), HttpStatus.UNAUTHORIZED);
            assertProblem(get(EdgeUser.ANONYMOUS, "/api/orders", null), HttpStatus.UNAUTHORIZED);
            assertProblem(get(new EdgeUser("edge", "", Set.of(EdgeToken.EDGE)), "/api/orders", null),
                    HttpStatus.FORBIDDEN);
        }

        @Test
        void badParameters_400() {
            assertProblem(get(alice, "/api/orders?size=0", null), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/orders?page=-1", null), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/orders?size=x", null), HttpStatus.BAD_REQUEST);
        }
    }

    @Nested
    class ConsistencyTokens {

        @Test
        void aPositionNotYetApplied_503_afterTheBoundedWait() {
            MvcTestResult result = get(alice, "/api/orders", "orders:999999999");
            assertProblem(result, HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        }

        @Test
        void aMalformedToken_orOneOfAServiceTheViewsDoNotFollow_400() {
            assertProblem(get(alice, "/api/orders", "nonsense"), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/catalog/products", "edge:12"), HttpStatus.BAD_REQUEST);
        }

        @Test
        void aToken_coversEarlierEventsOnOtherPartitions() {
            // the orders of one customer are spread over the topic's partitions; the broker appends the
            // partitions of one produce request one after the other, so a fetch can see the last order
            // before the earlier ones: the token of the last must still wait for all of them
            for (int round = 0; round < 30; round++) {
                EdgeUser customer = customer();
                Sent last = null;
                for (int i = 0; i < 6; i++) {
                    last = events.order(customer.id(), newId(), List.of(line("SKU-T1", 1, 100)), Fate.CONFIRMED);
                }

                // with its stream (as commands answer them), and without (as before)
                String token = round % 2 == 0 ? last.token() : last.tokenWithoutStream();
                JsonNode page = ok(get(customer, "/api/orders", token));

                assertThat(page.get("total").asLong()).as("round %d, %s", round, token).isEqualTo(6);
            }
        }

        @Test
        void aTokenNamingAStream_isHonoured_andAMalformedStream_400() {
            String order = newId();
            Sent placed = events.order(alice.id(), order, List.of(line("SKU-S1", 1, 100)), Fate.PLACED);
            assertThat(placed.token()).isEqualTo("orders:" + placed.position() + "@order-" + order);

            JsonNode page = ok(get(alice, "/api/orders", placed.token()));

            assertThat(page.get("items").get(0).get("orderId").asString()).isEqualTo(order);
            assertProblem(get(alice, "/api/orders", "orders:1@order%2"), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/orders", "orders:1@order%2d"), HttpStatus.BAD_REQUEST);
            MvcTestResult ahead = get(alice, "/api/orders", "orders:999999999@order-" + order);
            assertProblem(ahead, HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(json.readTree(ahead.getResponse().getContentAsByteArray()).get("detail").asString())
                    .contains("on partition").contains("of orders.events");
        }

        @Test
        void tokensOfEveryFollowedService_areHonoured() {
            Sent cart = events.publish("carts", "cart-" + alice.id(),
                    new eventshop.contracts.carts.CartEvent.CartCleared(alice.id()));
            Sent payment = events.publish("payments", "payment-" + newId(),
                    new eventshop.contracts.payments.PaymentEvent.PaymentCaptured(newId(), 100));
            Sent account = events.publish("accounts", "account-" + alice.id(),
                    new eventshop.contracts.accounts.AccountEvent.AccountActivated(alice.id()));
            ok(get(alice, "/api/orders", cart.token()));
            ok(get(alice, "/api/orders", payment.token()));
            ok(get(alice, "/api/orders", account.token()));
        }
    }

    /**
     * Carts' {@code CartCheckedOut} lists the order at once, so the checkout's token guarantees the list
     * shows it whenever orders gets to it; orders' events update the same row whichever comes first.
     */
    @Nested
    class OrdersFromCheckouts {

        JsonNode only(JsonNode page, String orderId) {
            List<JsonNode> found = new java.util.ArrayList<>();
            page.get("items").forEach(item -> {
                if (item.get("orderId").asString().equals(orderId)) {
                    found.add(item);
                }
            });
            assertThat(found).as("rows of order %s", orderId).hasSize(1);
            return found.getFirst();
        }

        @Test
        void aCheckout_isListedWithItsToken_beforeOrdersHasPlacedTheOrder() {
            // given a checkout that orders has not placed (no event of the order on orders.events)
            String order = newId();
            Sent checkout = events.checkout(alice.id(), order, List.of(line("SKU-C1", 2, 1000), line("SKU-C2", 1, 500)));

            // when
            JsonNode page = ok(get(alice, "/api/orders", checkout.token()));

            // then
            JsonNode item = only(page, order);
            assertThat(item.get("customerId").asString()).isEqualTo(alice.id());
            assertThat(item.get("status").asString()).isEqualTo("PLACED");
            assertThat(item.get("itemCount").asInt()).isEqualTo(3);
            assertThat(item.get("lineCount").asInt()).isEqualTo(2);
            assertThat(item.get("subtotalCents").asLong()).isEqualTo(2500);
            assertThat(item.get("taxCents").asLong()).isEqualTo(150);
            assertThat(item.get("totalCents").asLong()).isEqualTo(2650);
            assertThat(ok(get(bob, "/api/orders", checkout.token())).get("total").asLong()).isZero();
        }

        @Test
        void theOrdersEvents_updateTheRowListedFromTheCheckout() {
            String order = newId();
            events.checkout(alice.id(), order, List.of(line("SKU-C1", 1, 1000)));
            Sent last = events.order(alice.id(), order, List.of(line("SKU-C1", 1, 1000)), Fate.SHIPPED);

            JsonNode item = only(ok(get(alice, "/api/orders", last.token())), order);

            assertThat(item.get("status").asString()).isEqualTo("SHIPPED");
            assertThat(item.get("totalCents").asLong()).isEqualTo(1060);
        }

        @Test
        void aCheckoutReadAfterTheOrdersEvents_doesNotSetTheStatusBack() {
            String order = newId();
            Sent cancelled = events.order(alice.id(), order, List.of(line("SKU-C1", 1, 1000)), Fate.OUT_OF_STOCK);
            ok(get(alice, "/api/orders", cancelled.token()));
            Sent checkout = events.checkout(alice.id(), order, List.of(line("SKU-C1", 1, 1000)));

            JsonNode item = only(ok(get(alice, "/api/orders", checkout.token())), order);

            assertThat(item.get("status").asString()).isEqualTo("CANCELLED");
            assertThat(item.get("cancellationReason").asString()).isEqualTo("OUT_OF_STOCK");
        }

        @Test
        void newestFirst_isTheOrderOfTheCheckouts_notOfThePlacements() {
            // given two checkouts whose orders orders placed the other way round
            EdgeUser carol = customer();
            String first = newId();
            String second = newId();
            events.checkout(carol.id(), first, List.of(line("SKU-C1", 1, 100)));
            Sent last = events.checkout(carol.id(), second, List.of(line("SKU-C1", 2, 100)));
            events.order(carol.id(), second, List.of(line("SKU-C1", 2, 100)), Fate.CONFIRMED);
            Sent placedLast = events.order(carol.id(), first, List.of(line("SKU-C1", 1, 100)), Fate.CONFIRMED);
            ok(get(carol, "/api/orders", placedLast.token()));

            // when: the token of the second checkout (the same cart stream) covers the first as well
            JsonNode page = ok(get(carol, "/api/orders", last.token()));

            // then
            assertThat(page.get("total").asLong()).isEqualTo(2);
            assertThat(page.get("items").get(0).get("orderId").asString()).isEqualTo(second);
            assertThat(page.get("items").get(1).get("orderId").asString()).isEqualTo(first);
        }

        @Test
        void aCheckoutWithoutOrderIdOrLines_isPassedOver_asOrdersRefusesIt() {
            String order = newId();
            Sent bad = events.publish("carts", "cart-" + alice.id(), new eventshop.contracts.carts.CartEvent
                    .CartCheckedOut(alice.id(), order, "a@example.com", null, 0, 0, 0, null, "tok-1"));

            JsonNode page = ok(get(alice, "/api/orders?size=100", bad.token()));

            page.get("items").forEach(item -> assertThat(item.get("orderId").asString()).isNotEqualTo(order));
        }
    }

    @Nested
    class Listing {

        @Test
        void productsWithPriceAndAvailability_theHighestStockVersionWins() {
            // given
            String word = "zq" + UUID.randomUUID().toString().substring(0, 8);
            String sku = "SKU-" + word.toUpperCase();
            events.publish("catalog", "product-" + sku, new eventshop.contracts.catalog.CatalogEvent.ProductAdded(sku,
                    "Lamp " + word, "a lamp", 2500, "/img/lamp.png"));
            events.publish("catalog", "product-" + sku,
                    new eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged(sku, 2300, 2500));
            events.stock(sku, 10);
            Sent allocated = events.publish("inventory", "stock-" + sku, new StockAllocated(sku, newId(), 3, 10, 3));
            events.resend(allocated);
            Sent last = events.publish("inventory", "stock-" + sku, new StockAllocated(sku, newId(), 2, 10, 5));
            events.resend(allocated); // an older copy arriving late: the higher version stays

            // when
            JsonNode page = ok(get(EdgeUser.ANONYMOUS, "/api/catalog/products?q=" + word.toUpperCase(), last.token()));

            // then
            assertThat(page.get("total").asLong()).isEqualTo(1);
            JsonNode item = page.get("items").get(0);
            assertThat(item.get("sku").asString()).isEqualTo(sku);
            assertThat(item.get("name").asString()).isEqualTo("Lamp " + word);
            assertThat(item.get("description").asString()).isEqualTo("a lamp");
            assertThat(item.get("priceCents").asLong()).isEqualTo(2300);
            assertThat(item.get("available").asInt()).isEqualTo(5);
            assertThat(item.get("imageUrl").asString()).isEqualTo("/img/lamp.png");
        }

        @Test
        void discontinuedProductsAreNotListed_andUnknownStockIsNothingAvailable() {
            String word = "zd" + UUID.randomUUID().toString().substring(0, 8);
            String gone = "SKU-G" + word.toUpperCase();
            String kept = "SKU-K" + word.toUpperCase();
            events.publish("catalog", "product-" + gone, new eventshop.contracts.catalog.CatalogEvent.ProductAdded(gone,
                    "Gone " + word, "", 100, ""));
            events.publish("catalog", "product-" + kept, new eventshop.contracts.catalog.CatalogEvent.ProductAdded(kept,
                    "Kept " + word, "", 100, ""));
            Sent last = events.publish("catalog", "product-" + gone,
                    new eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued(gone));

            JsonNode page = ok(get(alice, "/api/catalog/products?q=" + word + "&size=5", last.token()));

            assertThat(page.get("total").asLong()).isEqualTo(1);
            assertThat(page.get("items").get(0).get("sku").asString()).isEqualTo(kept);
            assertThat(page.get("items").get(0).get("available").asInt()).isZero();
            assertThat(page.get("size").asInt()).isEqualTo(5);
        }

        @Test
        void sortedByPrice_eitherWay_orByName() {
            // given
            String word = "zs" + UUID.randomUUID().toString().substring(0, 8);
            Sent last = null;
            for (String[] product : new String[][] {{"A", "300"}, {"B", "100"}, {"C", "200"}}) {
                String sku = "SKU-" + product[0] + word.toUpperCase();
                last = events.publish("catalog", "product-" + sku, new eventshop.contracts.catalog.CatalogEvent.ProductAdded(
                        sku, product[0] + " " + word, "", Long.parseLong(product[1]), ""));
            }

            // when
            JsonNode byName = ok(get(alice, "/api/catalog/products?q=" + word, last.token()));
            JsonNode cheapest = ok(get(alice, "/api/catalog/products?sort=price&q=" + word, last.token()));
            JsonNode dearest = ok(get(alice, "/api/catalog/products?sort=-price&q=" + word, last.token()));

            // then
            assertThat(byName.get("items").valueStream().map(item -> item.get("priceCents").asLong())).containsExactly(300L, 100L, 200L);
            assertThat(cheapest.get("items").valueStream().map(item -> item.get("priceCents").asLong())).containsExactly(100L, 200L, 300L);
            assertThat(dearest.get("items").valueStream().map(item -> item.get("priceCents").asLong())).containsExactly(300L, 200L, 100L);
        }

        @Test
        void anUnknownSort_isA400_namingTheParameter() throws Exception {
            MvcTestResult result = get(alice, "/api/catalog/products?sort=price;drop", null);

            assertProblem(result, HttpStatus.BAD_REQUEST);
            assertThat(result.getResponse().getContentAsString()).contains("sort");
        }

        @Test
        void freshness_isForAnyone_andSaysWhatIsApplied() {
            String order = newId();
            Sent placed = events.order(alice.id(), order, List.of(line("SKU-F1", 1, 500)), Fate.PLACED);
            ok(get(alice, "/api/orders", placed.token()));

            JsonNode freshness = ok(get(EdgeUser.ANONYMOUS, "/api/views/freshness", null));

            assertThat(freshness.get("applied").asLong()).isPositive();
            assertThat(freshness.get("lag").asLong()).isNotNegative();
            assertThat(freshness.get("caughtUp").asBoolean()).isTrue();
            assertThat(freshness.has("partitions")).isFalse();
        }

        @Test
        void badParameters_400_andNoToken_401() {
            assertProblem(get(alice, "/api/catalog/products?size=101", null), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/catalog/products?q=" + "x".repeat(201), null), HttpStatus.BAD_REQUEST);
            assertProblem(mvc.get().uri("/api/catalog/products").exchange(), HttpStatus.UNAUTHORIZED);
        }
    }

    @Nested
    class Admin {

        @Test
        void dashboard_salesPerProductAndHour_stock_statusesAndCancellations() {
            String sku = "SKU-D" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
            events.product(sku, "Dash " + sku, 400);
            events.stock(sku, 50);
            events.order(alice.id(), newId(), List.of(line(sku, 2, 400)), Fate.DELIVERED);
            events.order(alice.id(), newId(), List.of(line(sku, 3, 400)), Fate.CONFIRMED);
            events.order(alice.id(), newId(), List.of(line(sku, 5, 400)), Fate.CANCELLED_AFTER_SALE);
            Sent last = events.order(alice.id(), newId(), List.of(line(sku, 7, 400)), Fate.DECLINED);

            JsonNode dashboard = ok(get(admin, "/api/views/dashboard", last.token()));

            JsonNode sales = null;
            for (JsonNode product : dashboard.get("salesByProduct")) {
                if (product.get("sku").asString().equals(sku)) {
                    sales = product;
                }
            }
            assertThat(sales).isNotNull();
            assertThat(sales.get("name").asString()).isEqualTo("Dash " + sku);
            assertThat(sales.get("orders").asLong()).isEqualTo(2);
            assertThat(sales.get("units").asLong()).isEqualTo(5);
            assertThat(sales.get("revenueCents").asLong()).isEqualTo(2000);
            assertThat(dashboard.get("salesByHour").size()).isPositive();
            assertThat(dashboard.get("ordersByStatus").get("DELIVERED").asLong()).isPositive();
            assertThat(dashboard.get("cancellationsByReason").get("PAYMENT_DECLINED").asLong()).isPositive();
            assertThat(dashboard.get("cancellationsByReason").get("CUSTOMER_CANCELLED").asLong()).isPositive();
            boolean listed = false;
            for (JsonNode stock : dashboard.get("stock")) {
                if (stock.get("sku").asString().equals(sku)) {
                    listed = stock.get("onHand").asInt() == 50 && stock.get("available").asInt() == 50;
                }
            }
            assertThat(listed).isTrue();
        }

        @Test
        void statusAndHash() {
            JsonNode status = ok(get(admin, "/api/views/status", null));
            assertThat(status.get("generation").asInt()).isPositive();
            assertThat(status.get("partitions").size()).isEqualTo(18);
            assertThat(status.get("appliedBySource").has("orders")).isTrue();
            JsonNode hash = ok(get(admin, "/api/views/hash", null));
            assertThat(hash.get("views").get("overall").asString()).hasSize(64);
            assertThat(hash.get("views").has("order_history")).isTrue();
        }

        @Test
        void customersCannotUseTheAdminEndpoints_403() {
            assertProblem(get(alice, "/api/views/status", null), HttpStatus.FORBIDDEN);
            assertProblem(get(alice, "/api/views/hash", null), HttpStatus.FORBIDDEN);
            assertProblem(get(alice, "/api/views/dashboard", null), HttpStatus.FORBIDDEN);
            assertProblem(mvc.post().uri("/api/views/rebuild").header(HttpHeaders.AUTHORIZATION,
                    "Bearer " + tokens.mint(alice)).exchange(), HttpStatus.FORBIDDEN);
            assertProblem(mvc.get().uri("/api/views/status").exchange(), HttpStatus.UNAUTHORIZED);
        }
    }

    /**
     * The search that catalog answered too until issue 12 (its {@code ListingApiTest}): edge routed the
     * path here already, and the views are its one owner now.
     */
    @Nested
    class ProductSearch {

        /** A word no other test's products contain (the topics are shared). */
        final String word = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        final String upper = word.toUpperCase(Locale.ROOT);
        /** Makes the skus of this test unique without containing {@link #word}. */
        final String run = Long.toString(System.nanoTime(), 36).toUpperCase(Locale.ROOT);

        Sent add(String sku, String name, String description) {
            return events.publish("catalog", "product-" + sku, new ProductAdded(sku, name, description, 100, ""));
        }

        /** The listing for {@code parameters} (name, value, ...), waiting for {@code last} if not null. */
        JsonNode search(Sent last, String... parameters) {
            var request = mvc.get().uri("/api/catalog/products")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(EdgeUser.ANONYMOUS));
            for (int i = 0; i < parameters.length; i += 2) {
                request = request.param(parameters[i], parameters[i + 1]);
            }
            if (last != null) {
                request = request.header(ConsistencyToken.HEADER, last.token());
            }
            return ok(request.exchange());
        }

        List<String> skus(JsonNode page) {
            return StreamSupport.stream(page.path("items").spliterator(), false)
                    .map(item -> item.path("sku").asString()).toList();
        }

        @Test
        void theQuery_matchesNameDescriptionOrSku_ignoringCase() {
            add("FIND-1-" + run, "Kettle " + word, "steel");
            add("FIND-2-" + run, "Teapot", "a " + upper + " glaze");
            add(upper + "-3", "Cup", "plain");
            Sent last = add("FIND-4-" + run, "Saucer", "plain");

            JsonNode page = search(last, "q", word.substring(0, 3) + upper.substring(3));

            assertThat(skus(page)).containsExactly(upper + "-3", "FIND-1-" + run, "FIND-2-" + run);
            assertThat(page.path("total").asLong()).isEqualTo(3);
        }

        @Test
        void likeWildcards_inTheQuery_areTakenLiterally() {
            add("WILD-1-" + run, "100% " + word + " sock", "");
            Sent last = add("WILD-2-" + run, "1000 " + word + " socks", "");

            assertThat(skus(search(last, "q", "0% " + word))).containsExactly("WILD-1-" + run);
            assertThat(skus(search(last, "q", word + "_sock"))).isEmpty();
        }

        @Test
        void pages_areSortedByNameThenSku_withTheTotalOverAllPages() {
            add("PAGE-5-" + run, word + " e", "");
            add("PAGE-2-" + run, word + " b", "");
            add("PAGE-4-" + run, word + " a", "");
            add("PAGE-1-" + run, word + " a", "");
            Sent last = add("PAGE-3-" + run, word + " c", "");

            JsonNode first = search(last, "q", word, "page", "0", "size", "2");
            JsonNode second = search(last, "q", word, "page", "1", "size", "2");
            JsonNode third = search(last, "q", word, "page", "2", "size", "2");
            JsonNode beyond = search(last, "q", word, "page", "3", "size", "2");

            assertThat(skus(first)).containsExactly("PAGE-1-" + run, "PAGE-4-" + run);
            assertThat(skus(second)).containsExactly("PAGE-2-" + run, "PAGE-3-" + run);
            assertThat(skus(third)).containsExactly("PAGE-5-" + run);
            assertThat(skus(beyond)).isEmpty();
            assertThat(List.of(first, second, third, beyond)).allSatisfy(page -> {
                assertThat(page.path("total").asLong()).isEqualTo(5);
                assertThat(page.path("size").asInt()).isEqualTo(2);
            });
            assertThat(second.path("page").asInt()).isEqualTo(1);
        }

        @Test
        void theDefaults_arePage0OfSize20() {
            JsonNode page = search(null);

            assertThat(page.path("page").asInt()).isZero();
            assertThat(page.path("size").asInt()).isEqualTo(20);
            assertThat(page.path("items").size()).isLessThanOrEqualTo(20);
        }

        @ParameterizedTest
        @ValueSource(strings = {"size=0", "size=101", "size=-1", "page=-1", "page=x", "size=1.5", "page=99999999999"})
        void aPageOrSizeOutOfRange_is400(String parameter) {
            assertProblem(get(EdgeUser.ANONYMOUS, "/api/catalog/products?" + parameter, null), HttpStatus.BAD_REQUEST);
        }
    }

    /** What orders' own copy of the list was tested for until issue 12 (its {@code OrderApiTest}). */
    @Nested
    class OrderListOfAnAdministrator {

        @Test
        void anAdministrator_seesEveryCustomersOrders_orOneCustomersWithCustomerId() {
            String first = newId();
            events.order(alice.id(), first, List.of(line("SKU-L1", 1, 300)), Fate.PLACED);
            events.order(alice.id(), newId(), List.of(line("SKU-L1", 1, 300)), Fate.CONFIRMED);
            Sent last = events.order(bob.id(), newId(), List.of(line("SKU-L1", 2, 300)), Fate.PLACED);

            JsonNode everyones = ok(get(admin, "/api/orders?size=100", last.token()));
            JsonNode bobs = ok(get(admin, "/api/orders?customerId=" + bob.id(), null));

            assertThat(everyones.get("total").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(bobs.get("total").asLong()).isEqualTo(1);
            assertThat(bobs.get("items").get(0).get("totalCents").asLong()).isEqualTo(636);
        }

        @Test
        void aSizeOverTheMaximum_is400() {
            assertProblem(get(alice, "/api/orders?size=101", null), HttpStatus.BAD_REQUEST);
        }
    }
}
