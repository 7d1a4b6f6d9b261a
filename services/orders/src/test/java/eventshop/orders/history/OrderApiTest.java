package eventshop.orders.history;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.message;
import static eventshop.orders.Fixtures.newId;
import static eventshop.orders.Fixtures.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.OrdersTest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/orders/{id}} over HTTP with the edge-token security: own orders only, admin any, cancel until
 * shipping. (The list, {@code GET /api/orders}, is the views service's: its tests are in views'
 * {@code QueriesTest}.)
 */
@OrdersTest
class OrderApiTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    JsonMapper json;
    @Autowired
    @Qualifier("ordersCarts")
    Consumer<Message<byte[]>> carts;
    @Autowired
    @Qualifier("ordersInventory")
    Consumer<Message<byte[]>> inventory;
    @Autowired
    @Qualifier("ordersPayments")
    Consumer<Message<byte[]>> payments;

    final EdgeUser alice = customer();
    final EdgeUser bob = customer();
    final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");

    static EdgeUser customer() {
        String id = newId();
        return EdgeUser.customer(id, "c-" + id.substring(0, 8) + "@example.com");
    }

    String placed(EdgeUser user) {
        String order = newId();
        carts.accept(message("cart-" + user.id(), checkout(user.id(), order)));
        return order;
    }

    String captured(EdgeUser user) {
        String order = placed(user);
        inventory.accept(message("reservation-" + order, new StockReserved(order, List.of(new StockLine("SKU-1", 2)))));
        payments.accept(message("payment-" + order, new PaymentAuthorized(order, user.id(), 3179, "VISA", "4242")));
        payments.accept(message("payment-" + order, new PaymentCaptured(order, 3179)));
        return order;
    }

    MvcTestResult get(EdgeUser user, String uri) {
        return mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(user)).exchange();
    }

    MvcTestResult post(EdgeUser user, String uri) {
        return mvc.post().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(user))
                .contentType(MediaType.APPLICATION_JSON).exchange();
    }

    JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    void assertProblem(MvcTestResult result, HttpStatus status) {
        assertThat(result).hasStatus(status);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    @Nested
    class Security {

        @Test
        void withoutAValidToken_401() {
            assertProblem(mvc.get().uri("/api/orders/x").exchange(), HttpStatus.UNAUTHORIZED);
            assertProblem(mvc.get().uri("/api/orders/x").header(HttpHeaders.AUTHORIZATION, "Bearer not.a.jwt")
                    .exchange(), HttpStatus.UNAUTHORIZED);
            assertProblem(mvc.post().uri("/api/orders/x/cancel").exchange(), HttpStatus.UNAUTHORIZED);
        }

        @Test
        void theAnonymousCaller_401_andACallerWithoutTheRole_403() {
            assertProblem(get(EdgeUser.ANONYMOUS, "/api/orders/x"), HttpStatus.UNAUTHORIZED);
            assertProblem(post(EdgeUser.ANONYMOUS, "/api/orders/x/cancel"), HttpStatus.UNAUTHORIZED);
            EdgeUser edge = new EdgeUser("edge", "", Set.of(EdgeToken.EDGE));
            assertProblem(get(edge, "/api/orders/x"), HttpStatus.FORBIDDEN);
            assertProblem(post(edge, "/api/orders/x/cancel"), HttpStatus.FORBIDDEN);
        }

        @Test
        void anotherCustomersOrder_isNotFound_andCannotBeCancelled() {
            String order = placed(alice);
            long head = store.headPosition();

            assertProblem(get(bob, "/api/orders/" + order), HttpStatus.NOT_FOUND);
            assertProblem(get(bob, "/api/orders/" + order + "/events"), HttpStatus.NOT_FOUND);
            assertProblem(post(bob, "/api/orders/" + order + "/cancel"), HttpStatus.NOT_FOUND);
            assertThat(store.headPosition()).isEqualTo(head);
            assertThat(get(admin, "/api/orders/" + order)).hasStatusOk();
        }
    }

    @Nested
    class Queries {

        @Test
        void theOrder_withTotals_andTheTimelineOfItsStatusChanges() {
            String order = placed(alice);
            inventory.accept(message("reservation-" + order, new StockReserved(order, List.of(new StockLine("SKU-1", 2)))));

            JsonNode view = body(get(alice, "/api/orders/" + order));

            assertThat(view.get("orderId").asString()).isEqualTo(order);
            assertThat(view.get("status").asString()).isEqualTo("STOCK_RESERVED");
            assertThat(view.get("cancellationReason").isNull()).isTrue();
            assertThat(view.get("lines")).hasSize(2);
            assertThat(view.get("subtotalCents").asLong()).isEqualTo(2999);
            assertThat(view.get("taxCents").asLong()).isEqualTo(180);
            assertThat(view.get("totalCents").asLong()).isEqualTo(3179);
            assertThat(view.get("shippingAddress").get("city").asString()).isEqualTo("London");
            assertThat(view.get("waitingFor").get("step").asString()).isEqualTo("AUTHORIZE_PAYMENT");
            List<RecordedEvent> stored = recorded(store, order);
            assertThat(view.get("timeline")).hasSize(2);
            assertThat(view.get("timeline").get(0).get("status").asString()).isEqualTo("PLACED");
            assertThat(view.get("timeline").get(0).get("at").asString())
                    .isEqualTo(stored.get(0).metadata().timestamp().toString());
            assertThat(view.get("timeline").get(1).get("status").asString()).isEqualTo("STOCK_RESERVED");
        }

        @Test
        void theEvents_ofTheOrder() {
            String order = placed(alice);
            JsonNode events = body(get(alice, "/api/orders/" + order + "/events"));
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get("type").asString()).isEqualTo("OrderPlaced");
            assertThat(events.get(0).get("data").get("totalCents").asLong()).isEqualTo(3179);
            assertThat(events.get(1).get("type").asString()).isEqualTo("StockReservationRequested");
        }

        @Test
        void badParameters_400_unknownOrder_404() {
            assertProblem(get(alice, "/api/orders/not_an_id!"), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/orders/" + newId()), HttpStatus.NOT_FOUND);
            assertProblem(mvc.get().uri("/api/orders/" + newId()).header(HttpHeaders.AUTHORIZATION, "Bearer "
                    + tokens.mint(alice)).header(ConsistencyToken.HEADER, "garbage").exchange(), HttpStatus.BAD_REQUEST);
        }
    }

    /**
     * The detail and the events of an order accept a checkout's {@code carts:} token: they wait for the
     * consumer of carts.events (fed here by hand: the module's tests run without a broker).
     */
    @Nested
    class CheckoutTokens {

        @Autowired
        ConsumerProgress progress;

        ConsumerProgress.Feed carts() {
            ConsumerProgress.Feed feed = progress.feed("carts.events", "orders");
            feed.partitions(1);
            return feed;
        }

        /** A checkout token further than anything processed so far. */
        String checkoutToken(EdgeUser user) {
            return new ConsistencyToken("carts", carts().processed(0) + 1_000, "cart-" + user.id()).toString();
        }

        MvcTestResult get(EdgeUser user, String uri, String token) {
            return mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(user))
                    .header(ConsistencyToken.HEADER, token).exchange();
        }

        @Test
        void theDetail_waitsUntilTheCheckoutIsProcessed_thenShowsTheOrder_withTheTokenOfItsLastPublishedEvent() throws Exception {
            // given a checkout the consumer has not processed yet
            ConsumerProgress.Feed feed = carts();
            String token = checkoutToken(alice);
            String order = newId();
            int waitingBefore = feed.waiting();

            // when the detail is asked with its token
            CompletableFuture<MvcTestResult> detail = CompletableFuture.supplyAsync(
                    () -> get(alice, "/api/orders/" + order, token));
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.waiting() > waitingBefore);
            assertThat(detail).isNotDone();
            carts.accept(message("cart-" + alice.id(), checkout(alice.id(), order)));
            feed.processed(0, ConsistencyToken.parse(token).position());

            // then it answers the order, as of its last published event (its OrderPlaced: the
            // StockReservationRequested after it is never on orders.events, no reader could wait for it)
            MvcTestResult result = detail.get(30, TimeUnit.SECONDS);
            assertThat(result).hasStatusOk();
            assertThat(body(result).get("orderId").asString()).isEqualTo(order);
            RecordedEvent placed = recorded(store, order).getFirst();
            assertThat(placed.type()).isEqualTo("OrderPlaced");
            assertThat(result.getResponse().getHeader(ConsistencyToken.HEADER))
                    .isEqualTo("orders:" + placed.position() + "@order-" + order);
        }

        @Test
        void theEvents_acceptTheCheckoutsToken_too() {
            String order = placed(alice);
            String token = checkoutToken(alice);
            carts().processed(0, ConsistencyToken.parse(token).position());

            MvcTestResult result = get(alice, "/api/orders/" + order + "/events", token);

            assertThat(result).hasStatusOk();
            assertThat(body(result).get(0).get("type").asString()).isEqualTo("OrderPlaced");
            assertThat(result.getResponse().getHeader(ConsistencyToken.HEADER)).startsWith("orders:")
                    .endsWith("@order-" + order);
        }

        @Test
        void aProcessedCheckout_ofNoSuchOrder_is404() {
            String token = checkoutToken(alice);
            carts().processed(0, ConsistencyToken.parse(token).position());

            assertProblem(get(alice, "/api/orders/" + newId(), token), HttpStatus.NOT_FOUND);
        }

        @Test
        void aCheckoutNotProcessedInTime_is503_withRetryAfter() {
            MvcTestResult result = get(alice, "/api/orders/" + newId(), checkoutToken(alice));

            assertProblem(result, HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
            assertThat(body(result).get("type").asString()).endsWith("not-yet-consistent");
            assertThat(body(result).get("detail").asString()).contains("partition 0 of carts.events");
        }

        @Test
        void ordersOwnTokens_doNotWait_andMalformedOrUnfollowedOnes_are400() {
            String order = placed(alice);

            assertThat(get(alice, "/api/orders/" + order, "orders:999999999@order-" + order)).hasStatusOk();
            assertThat(get(alice, "/api/orders/" + order, "orders:999999999")).hasStatusOk();
            assertProblem(get(alice, "/api/orders/" + order, "catalog:1@product-X"), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/orders/" + order, "carts:1@cart%zz"), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, "/api/orders/" + order + "/events", "garbage"), HttpStatus.BAD_REQUEST);
        }
    }

    @Nested
    class Cancel {

        @Test
        void beforeShipping_cancels_withCompensationShown_andTheTokenReadsIt() {
            String order = placed(alice);
            inventory.accept(message("reservation-" + order, new StockReserved(order, List.of(new StockLine("SKU-1", 2)))));

            MvcTestResult result = post(alice, "/api/orders/" + order + "/cancel");

            assertThat(result).hasStatusOk();
            String token = result.getResponse().getHeader(ConsistencyToken.HEADER);
            assertThat(token).startsWith("orders:");
            JsonNode view = body(result);
            assertThat(view.get("status").asString()).isEqualTo("CANCELLED");
            assertThat(view.get("cancellationReason").asString()).isEqualTo("CUSTOMER_CANCELLED");
            assertThat(view.get("pendingCompensations")).extracting(entry -> entry.get("step").asString())
                    .containsExactly("RELEASE_STOCK", "VOID_PAYMENT");
            assertThat(view.get("pendingCompensations").get(0).get("attempt").asInt()).isEqualTo(1);

            JsonNode read = body(mvc.get().uri("/api/orders/" + order).header(HttpHeaders.AUTHORIZATION,
                    "Bearer " + tokens.mint(alice)).header(ConsistencyToken.HEADER, token).exchange());
            assertThat(read.get("orderId").asString()).isEqualTo(order);
            assertThat(read.get("status").asString()).isEqualTo("CANCELLED");
            assertThat(read.get("cancellationReason").asString()).isEqualTo("CUSTOMER_CANCELLED");

            // again: nothing new
            long head = store.headPosition();
            assertThat(post(alice, "/api/orders/" + order + "/cancel")).hasStatusOk();
            assertThat(store.headPosition()).isEqualTo(head);
        }

        /**
         * The cancel's token names its OrderCancelled, the last of its events that orders.events carries: a
         * reader outside orders (the cart giving the lines back, the views' list) waits for that record. The
         * release and void requests appended after it go to the command topics only.
         */
        @Test
        void theCancelsToken_namesItsOrderCancelled_notTheRequestsAfterIt() {
            String order = placed(alice);
            inventory.accept(message("reservation-" + order, new StockReserved(order, List.of(new StockLine("SKU-1", 2)))));

            MvcTestResult result = post(alice, "/api/orders/" + order + "/cancel");

            List<RecordedEvent> stored = recorded(store, order);
            RecordedEvent cancelled = stored.stream().filter(event -> event.type().equals("OrderCancelled"))
                    .findFirst().orElseThrow();
            assertThat(stored.getLast().type()).isEqualTo("PaymentVoidRequested");
            assertThat(result.getResponse().getHeader(ConsistencyToken.HEADER))
                    .isEqualTo("orders:" + cancelled.position() + "@order-" + order);
            assertThat(get(alice, "/api/orders/" + order).getResponse().getHeader(ConsistencyToken.HEADER))
                    .isEqualTo("orders:" + cancelled.position() + "@order-" + order);
        }

        @Test
        void onceTheShipmentIsRequested_409_andNothingStored() {
            String order = captured(alice);
            long head = store.headPosition();

            MvcTestResult result = post(alice, "/api/orders/" + order + "/cancel");

            assertProblem(result, HttpStatus.CONFLICT);
            assertThat(body(result).get("type").asString()).endsWith("order-not-cancellable");
            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void anUnknownOrder_404() {
            assertProblem(post(alice, "/api/orders/" + newId() + "/cancel"), HttpStatus.NOT_FOUND);
        }

        @Test
        void anAdministratorsCancel_isRecordedAsTheAdministrators_withWhoInTheMetadata() {
            String order = placed(alice);

            MvcTestResult result = post(admin, "/api/orders/" + order + "/cancel");

            assertThat(result).hasStatusOk();
            JsonNode view = body(result);
            assertThat(view.get("cancellationReason").asString()).isEqualTo("ADMIN_CANCELLED");
            assertThat(view.get("cancellationDetail").asString()).isEqualTo("cancelled by an administrator");
            RecordedEvent cancelled = store.read(eventshop.orders.order.domain.Order.streamId(order), 0)
                    .filter(event -> event.type().equals("OrderCancelled")).blockFirst();
            assertThat(cancelled).isNotNull();
            assertThat(cancelled.metadata().actingUser()).isEqualTo(admin.id());
        }

        @Test
        void anAdministratorsCancelOfTheirOwnOrder_isTheCustomers() {
            String order = placed(admin);

            assertThat(body(post(admin, "/api/orders/" + order + "/cancel")).get("cancellationReason").asString())
                    .isEqualTo("CUSTOMER_CANCELLED");
        }
    }

    /**
     * The order's {@code _links}: itself, its events, and {@code cancel} while the order may be cancelled
     * (until the shipment is requested), to its customer and to an administrator alike.
     */
    @Nested
    class Links {

        JsonNode links(EdgeUser user, String order) {
            MvcTestResult result = get(user, "/api/orders/" + order);
            assertThat(result).hasStatusOk();
            return body(result).get("_links");
        }

        String href(JsonNode links, String rel) {
            return links.get(rel).get("href").asString();
        }

        @Test
        void aPlacedOrder_linksItselfItsEvents_andCancel_andKeepsItsFields() {
            String order = placed(alice);

            MvcTestResult result = get(alice, "/api/orders/" + order);

            assertThat(result.getResponse().getContentType()).startsWith("application/hal+json");
            JsonNode view = body(result);
            assertThat(view.get("orderId").asString()).isEqualTo(order);
            assertThat(view.get("status").asString()).isEqualTo("PLACED");
            assertThat(view.get("_links").propertyNames()).containsExactly("self", "events", "cancel");
            assertThat(href(view.get("_links"), "self")).isEqualTo("/api/orders/" + order);
            assertThat(href(view.get("_links"), "events")).isEqualTo("/api/orders/" + order + "/events");
            assertThat(href(view.get("_links"), "cancel")).isEqualTo("/api/orders/" + order + "/cancel");
            assertThat(links(admin, order).propertyNames()).containsExactly("self", "events", "cancel");
        }

        @Test
        void aConfirmedOrder_stillLinksCancel_untilTheShipmentIsRequested() {
            String order = placed(alice);
            inventory.accept(message("reservation-" + order, new StockReserved(order, List.of(new StockLine("SKU-1", 2)))));
            payments.accept(message("payment-" + order, new PaymentAuthorized(order, alice.id(), 3179, "VISA", "4242")));
            assertThat(body(get(alice, "/api/orders/" + order)).get("status").asString()).isEqualTo("CONFIRMED");
            assertThat(links(alice, order).has("cancel")).isTrue();

            payments.accept(message("payment-" + order, new PaymentCaptured(order, 3179)));

            assertThat(links(alice, order).propertyNames()).containsExactly("self", "events");
        }

        @Test
        void aShippedOrder_linksNoCancel() {
            String order = captured(alice);
            inventory.accept(message("reservation-" + order, new StockShipped(order, List.of(new StockLine("SKU-1", 2)))));

            assertThat(body(get(alice, "/api/orders/" + order)).get("status").asString()).isEqualTo("SHIPPED");
            assertThat(links(alice, order).propertyNames()).containsExactly("self", "events");
            assertThat(links(admin, order).propertyNames()).containsExactly("self", "events");
        }

        @Test
        void followingCancel_cancels_andTheCancelledOrder_linksNoCancel_butItsEvents() {
            String order = placed(alice);
            String cancel = href(links(alice, order), "cancel");

            MvcTestResult cancelled = post(alice, cancel);

            assertThat(cancelled).hasStatusOk();
            JsonNode view = body(cancelled);
            assertThat(view.get("status").asString()).isEqualTo("CANCELLED");
            assertThat(view.get("_links").propertyNames()).containsExactly("self", "events");
            JsonNode events = body(get(alice, href(view.get("_links"), "events")));
            assertThat(events).extracting(event -> event.get("type").asString()).contains("OrderPlaced", "OrderCancelled");
            assertThat(events.get(0).propertyNames())
                    .containsExactly("type", "version", "position", "recordedAt", "data");
        }

        @Test
        void theEvents_areTheOwnersAndAnAdministrators_anotherCustomer404_noToken401() {
            String order = placed(alice);
            String events = href(links(alice, order), "events");

            assertThat(get(alice, events)).hasStatusOk();
            assertThat(get(admin, events)).hasStatusOk();
            assertProblem(get(bob, events), HttpStatus.NOT_FOUND);
            assertProblem(mvc.get().uri(events).exchange(), HttpStatus.UNAUTHORIZED);
            assertProblem(get(alice, events + "?limit=0"), HttpStatus.BAD_REQUEST);
            assertProblem(get(alice, events + "?fromVersion=-1"), HttpStatus.BAD_REQUEST);
            assertThat(body(get(alice, events + "?fromVersion=1&limit=1"))).hasSize(1);
        }
    }
}
