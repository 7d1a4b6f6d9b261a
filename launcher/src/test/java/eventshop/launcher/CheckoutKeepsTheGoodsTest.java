package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.SharedStore.Customer;
import eventshop.launcher.client.EdgeClient;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * A checkout never loses goods (issue 11, parts 2, 3 and the cart items of 7), on the {@link SharedStore},
 * through edge only: an {@code Idempotency-Key} names one checkout of one request; identical checkouts
 * at once make one order; an order cancelled before it was confirmed (declined, insufficient funds, over
 * the amount limit, out of stock, the customer's cancel) gives the cart its lines back, which the cart shows
 * at once to a read carrying the order's consistency token, and a retry with a good card is delivered; a
 * card token that is not the customer's is refused at once; concurrent adds never conflict.
 */
class CheckoutKeepsTheGoodsTest {

    private static final Duration PATIENCE = SharedStore.PATIENCE;

    private static SharedStore shop;
    private static EdgeClient edge;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
        edge = shop.edge;
    }

    // ---- helpers

    private static EdgeClient.Response checkOut(Customer customer, String card, String key) {
        return edge.send("POST", "/api/cart/checkout", SharedStore.checkoutBody(card), customer.session(),
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private static String accepted(EdgeClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        return response.body().get("orderId").asString();
    }

    /** The cart's lines as sku → quantity, in order. */
    private static Map<String, Integer> lines(Customer customer) {
        EdgeClient.Response cart = edge.get("/api/cart", customer.session());
        assertThat(cart.status()).as(cart.toString()).isEqualTo(200);
        Map<String, Integer> lines = new LinkedHashMap<>();
        cart.body().get("lines").forEach(line -> lines.put(line.get("sku").asString(), line.get("quantity").asInt()));
        return lines;
    }

    /**
     * Waits until the order is CANCELLED, then reads the cart with the order's {@code Consistency-Token}
     * (of its last published event, its {@code OrderCancelled}): carts answers once it has consumed
     * the cancellation, so the lines it gave back are there at once, without polling.
     */
    private static Map<String, Integer> cartAfterCancellation(Customer customer, String orderId, String reason) {
        EdgeClient.Response order = await().atMost(PATIENCE).until(
                () -> edge.get("/api/orders/" + orderId, customer.session()),
                response -> response.status() == 200 && response.body().get("status").asString().equals("CANCELLED"));
        assertThat(order.body().get("cancellationReason").asString()).isEqualTo(reason);
        String token = order.header("Consistency-Token");
        assertThat(token).as(order.toString()).startsWith("orders:");
        EdgeClient.Response cart = edge.send("GET", "/api/cart", null, customer.session(),
                Map.of("Consistency-Token", token));
        assertThat(cart.status()).as(cart.toString()).isEqualTo(200);
        Map<String, Integer> lines = new LinkedHashMap<>();
        cart.body().get("lines").forEach(line -> lines.put(line.get("sku").asString(), line.get("quantity").asInt()));
        return lines;
    }

    /** The order's lines as sku → quantity, as orders has them. */
    private static Map<String, Integer> orderLines(Customer customer, String orderId) {
        JsonNode order = await().atMost(PATIENCE).until(() -> shop.order(customer, orderId), o -> o != null);
        Map<String, Integer> lines = new LinkedHashMap<>();
        order.get("lines").forEach(line -> lines.put(line.get("sku").asString(), line.get("quantity").asInt()));
        return lines;
    }

    private static List<String> cartEvents(Customer customer) {
        return shop.eventTypes("carts", "cart-" + customer.id());
    }

    /** Another card of the customer, tokenized by payments. */
    private static String tokenize(Customer customer, String number) {
        EdgeClient.Response card = edge.post("/api/payments/tokens", Map.of("number", number, "expMonth", 12,
                "expYear", Year.now().getValue() + 2, "cvc", "123"), customer.session());
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        return card.body().get("token").asString();
    }

    private static void assertProblem(EdgeClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body().get("type").asString()).as(response.toString()).isEqualTo("/problems/" + type);
    }

    @Nested
    class IdempotencyKeys {

        /** The sequence, exactly: the same key after more items were added. */
        @Test
        void theKeyReusedAfterAddingItems_isRefused_namingTheOrder_andTheNewItemsStayInTheCart() {
            String mug = shop.product(1_250, 50);
            String bottle = shop.product(499, 50);
            for (int round = 0; round < 3; round++) {
                Customer customer = shop.customer(SharedStore.APPROVES);
                String key = "k-" + UUID.randomUUID();
                shop.addToCart(customer, mug, 1);
                String x = accepted(checkOut(customer, customer.card(), key));
                shop.addToCart(customer, bottle, 3);

                EdgeClient.Response again = checkOut(customer, customer.card(), key);

                assertProblem(again, 422, "idempotency-key-reused");
                assertThat(again.body().get("detail").asString()).contains(x);
                assertThat(lines(customer)).as("the bottles were not ordered").containsExactly(Map.entry(bottle, 3));
                assertThat(Collections.frequency(cartEvents(customer), "CartCheckedOut")).isEqualTo(1);
                assertThat(orderLines(customer, x)).containsExactly(Map.entry(mug, 1));
                // a new key orders the bottles, as another order
                String y = accepted(checkOut(customer, customer.card(), "k-" + UUID.randomUUID()));
                assertThat(y).isNotEqualTo(x);
                assertThat(orderLines(customer, y)).containsExactly(Map.entry(bottle, 3));
                assertThat(lines(customer)).isEmpty();
            }
        }

        @Test
        void theKeyReusedWithAnotherCard_isRefused_andTheSameRequestStillAnswersTheOrder() {
            String sku = shop.product(700, 10);
            Customer customer = shop.customer(SharedStore.APPROVES);
            String otherCard = tokenize(customer, SharedStore.APPROVES);
            shop.addToCart(customer, sku, 1);
            String x = accepted(checkOut(customer, customer.card(), "key-1"));
            int events = cartEvents(customer).size();

            assertProblem(checkOut(customer, otherCard, "key-1"), 422, "idempotency-key-reused");
            assertThat(accepted(checkOut(customer, customer.card(), "key-1"))).isEqualTo(x);
            assertThat(cartEvents(customer)).hasSize(events);
        }

        /** Each round, five customers each send the same checkout three times at once. */
        @Test
        void threeIdenticalCheckoutsAtOnce_answerTheSameOrder_andMakeOneOrder_everyRound() throws Exception {
            String sku = shop.product(300, 200);
            for (int round = 0; round < 20; round++) {
                List<Customer> customers = SharedStore.parallel(5, i -> shop.customer(SharedStore.APPROVES));
                for (Customer customer : customers) {
                    shop.addToCart(customer, sku, 1);
                }
                String key = "same-" + round;

                List<EdgeClient.Response> answers = SharedStore.parallel(15,
                        i -> checkOut(customers.get(i / 3), customers.get(i / 3).card(), key));

                for (int c = 0; c < customers.size(); c++) {
                    Customer customer = customers.get(c);
                    List<String> orderIds = new ArrayList<>();
                    for (EdgeClient.Response answer : answers.subList(3 * c, 3 * c + 3)) {
                        orderIds.add(accepted(answer));
                    }
                    assertThat(orderIds).as("round %d", round).containsOnly(orderIds.getFirst());
                    assertThat(Collections.frequency(cartEvents(customer), "CartCheckedOut")).as("round %d", round)
                            .isEqualTo(1);
                    assertThat(orderLines(customer, orderIds.getFirst())).containsExactly(Map.entry(sku, 1));
                }
            }
        }
    }

    /** An order cancelled before it was confirmed gives the cart its lines back; the retry is delivered. */
    @Nested
    class FailedCheckouts {

        @ParameterizedTest(name = "declined by {0}")
        @ValueSource(strings = {SharedStore.DECLINES, SharedStore.INSUFFICIENT_FUNDS})
        void aDeclinedCard_givesTheLinesBack_andTheRetryWithAnotherCardIsDelivered(String declining) {
            String mug = shop.product(1_250, 10);
            String bottle = shop.product(499, 10);
            Customer customer = shop.customer(declining);
            String good = tokenize(customer, SharedStore.APPROVES);
            shop.addToCart(customer, mug, 2);
            shop.addToCart(customer, bottle, 1);

            String x = accepted(checkOut(customer, customer.card(), "first"));

            assertThat(cartAfterCancellation(customer, x, "PAYMENT_DECLINED"))
                    .containsExactly(Map.entry(mug, 2), Map.entry(bottle, 1));
            String y = accepted(checkOut(customer, good, "retry"));
            JsonNode delivered = shop.awaitStatus(customer, y, "DELIVERED");
            assertThat(delivered.get("totalCents").asLong()).isEqualTo(3_179);   // (2500 + 499) × 1.06
            assertThat(lines(customer)).isEmpty();
            assertThat(Collections.frequency(cartEvents(customer), "CartRestored")).isEqualTo(1);
        }

        @Test
        void anAmountOverTheLimit_givesTheLinesBack_andASmallerRetryIsDelivered() {
            String tv = shop.product(300_000, 5);
            Customer customer = shop.customer(SharedStore.APPROVES);
            shop.addToCart(customer, tv, 2);                    // 636000 cents with tax: over 500000

            String x = accepted(checkOut(customer, customer.card(), "big"));

            assertThat(cartAfterCancellation(customer, x, "PAYMENT_DECLINED")).containsExactly(Map.entry(tv, 2));
            EdgeClient.Response lowered = edge.put("/api/cart/items/" + tv, Map.of("quantity", 1), customer.session());
            assertThat(lowered.status()).as(lowered.toString()).isEqualTo(200);
            String y = accepted(checkOut(customer, customer.card(), "smaller"));
            shop.awaitStatus(customer, y, "DELIVERED");
            await().atMost(PATIENCE).untilAsserted(() -> shop.assertStock(tv, 4, 0));
        }

        @Test
        void outOfStock_givesTheLinesBack_andTheRetryAfterARestockIsDelivered() {
            String lamp = shop.product(2_000, 1);
            Customer customer = shop.customer(SharedStore.APPROVES);
            shop.addToCart(customer, lamp, 2);

            String x = accepted(checkOut(customer, customer.card(), "first"));

            assertThat(cartAfterCancellation(customer, x, "OUT_OF_STOCK")).containsExactly(Map.entry(lamp, 2));
            EdgeClient.Response received = edge.post("/api/inventory/" + lamp + "/receipts", Map.of("quantity", 4),
                    shop.admin);
            assertThat(received.is2xx()).as(received.toString()).isTrue();
            String y = accepted(checkOut(customer, customer.card(), "after-restock"));
            shop.awaitStatus(customer, y, "DELIVERED");
            await().atMost(PATIENCE).untilAsserted(() -> shop.assertStock(lamp, 3, 0));
        }

        @Test
        void theCustomersCancel_beforeConfirmation_givesTheLinesBack_seenWithTheCancelsToken() {
            String sku = shop.product(1_500, 5);
            Customer customer = shop.customer(SharedStore.APPROVES);
            shop.addToCart(customer, sku, 3);
            shop.stopPaymentCommands();   // the order waits for its authorization
            try {
                String x = accepted(checkOut(customer, customer.card(), "k"));
                shop.awaitStatus(customer, x, "STOCK_RESERVED");

                EdgeClient.Response cancel = edge.post("/api/orders/" + x + "/cancel", null, customer.session());
                assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
                EdgeClient.Response cart = edge.send("GET", "/api/cart", null, customer.session(),
                        Map.of("Consistency-Token", cancel.header("Consistency-Token")));

                assertThat(cart.status()).as(cart.toString()).isEqualTo(200);
                assertThat(cart.body().get("lines")).hasSize(1);
                assertThat(cart.body().at("/lines/0/sku").asString()).isEqualTo(sku);
                assertThat(cart.body().at("/lines/0/quantity").asInt()).isEqualTo(3);
            } finally {
                shop.startPaymentCommands();
            }
        }

        @Test
        void aDeliveredOrder_givesNothingBack() {
            String sku = shop.product(900, 5);
            Customer customer = shop.customer(SharedStore.APPROVES);
            shop.addToCart(customer, sku, 1);

            shop.awaitStatus(customer, accepted(checkOut(customer, customer.card(), "k")), "DELIVERED");

            assertThat(lines(customer)).isEmpty();
            assertThat(cartEvents(customer)).doesNotContain("CartRestored");
        }
    }

    /** A card token that is not the customer's is refused at checkout, before anything is stored. */
    @Nested
    class CardTokens {

        @Test
        void anUnknownToken_andAnotherCustomersToken_are422_andTheCartIsUnchanged() {
            String sku = shop.product(800, 10);
            Customer customer = shop.customer(SharedStore.APPROVES);
            Customer other = shop.customer(SharedStore.APPROVES);
            shop.addToCart(customer, sku, 2);
            List<String> before = cartEvents(customer);

            for (int i = 0; i < 3; i++) {
                EdgeClient.Response unknown = checkOut(customer, "tok_" + UUID.randomUUID().toString().replace("-", ""),
                        "k-" + i);
                EdgeClient.Response theirs = checkOut(customer, other.card(), null);

                assertProblem(unknown, 422, "unknown-card");
                assertProblem(theirs, 422, "unknown-card");
            }
            assertThat(cartEvents(customer)).isEqualTo(before);
            assertThat(lines(customer)).containsExactly(Map.entry(sku, 2));
        }

        @Test
        void whilePaymentsIsDown_aCheckoutIs503_andStoresNothing_andTheRetryGoesThrough() {
            String sku = shop.product(800, 10);
            Customer customer = shop.customer(SharedStore.APPROVES);
            shop.addToCart(customer, sku, 1);
            List<String> before = cartEvents(customer);
            shop.store.stopApp("payments");
            try {
                EdgeClient.Response refused = checkOut(customer, customer.card(), "k");

                assertProblem(refused, 503, "service-unavailable");
                assertThat(refused.header("Retry-After")).isNotBlank();
                assertThat(cartEvents(customer)).isEqualTo(before);
            } finally {
                shop.store.startApp("payments");
            }
            EdgeClient.Response retried = await().atMost(PATIENCE)
                    .until(() -> checkOut(customer, customer.card(), "k"), response -> response.status() < 500);
            shop.awaitStatus(customer, accepted(retried), "DELIVERED");
        }
    }

    @Nested
    class ConcurrentAdds {

        /** Each round, five customers each add 20 times at once. */
        @Test
        void twentyAddsAtOnce_byOneCustomer_allSucceed_everyRound() throws Exception {
            String sku = shop.product(100, 10);
            String other = shop.product(200, 10);
            shop.addToCart(shop.customer(SharedStore.APPROVES), sku, 1);   // both known to the cart's price view
            shop.addToCart(shop.customer(SharedStore.APPROVES), other, 1);
            for (int round = 0; round < 10; round++) {
                List<Customer> customers = SharedStore.parallel(5, i -> shop.customer(SharedStore.APPROVES));

                List<EdgeClient.Response> answers = SharedStore.parallel(100, i -> edge.post("/api/cart/items",
                        Map.of("sku", i % 2 == 0 ? sku : other, "quantity", 1), customers.get(i / 20).session()));

                assertThat(answers).as("round %d", round).allSatisfy(answer ->
                        assertThat(answer.status()).as(answer.toString()).isEqualTo(200));
                for (Customer customer : customers) {
                    assertThat(lines(customer)).as("round %d", round)
                            .containsOnly(Map.entry(sku, 10), Map.entry(other, 10));
                    assertThat(cartEvents(customer)).hasSize(20);
                }
            }
        }
    }
}
