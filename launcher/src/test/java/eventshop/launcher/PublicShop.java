package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.client.EdgeClient;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A store driven only through edge's public API, as its customers and its admin use it: for the tests of a store
 * whose applications run as processes ({@link DistributedStore}), where no test can open a session inside edge
 * (customers register and log in with a password). Each waits through a part that is restarting or killed: a 5xx
 * is retried (a checkout with the same idempotency key) until {@code patience} runs out.
 */
final class PublicShop {

    static final String APPROVES = "4242424242424242";
    static final String DECLINES = "4000000000000002";
    static final Set<String> TERMINAL = Set.of("DELIVERED", "CANCELLED");

    private final EdgeClient edge;
    private final String admin;
    private final Duration patience;

    record Customer(String token, String card) {
    }

    /** @param admin the admin's token */
    PublicShop(EdgeClient edge, String admin, Duration patience) {
        this.edge = edge;
        this.admin = admin;
        this.patience = patience;
    }

    /** A new customer, registered and logged in, with a tokenized card. */
    Customer customer(String cardNumber) {
        String email = "d-" + UUID.randomUUID() + "@example.com";
        String password = "password-" + UUID.randomUUID();
        EdgeClient.Response registered = await().atMost(patience).until(() -> edge.post("/api/accounts",
                Map.of("email", email, "name", "Distributed Customer", "password", password), null),
                response -> response.status() < 500);
        // 409 only after an attempt that edge answered 5xx (its time limit) but accounts carried out: the e-mail is new
        assertThat(registered.status()).as(registered.toString()).isIn(201, 409);
        String token = await().atMost(patience).ignoreExceptions().until(() -> edge.login(email, password),
                value -> value != null);
        EdgeClient.Response card = await().atMost(patience).until(() -> edge.post("/api/payments/tokens",
                Map.of("number", cardNumber, "expMonth", 12, "expYear", Year.now().getValue() + 2, "cvc", "123"), token),
                response -> response.status() < 500);
        assertThat(card.status()).as(card.toString()).isEqualTo(201);
        return new Customer(token, card.body().get("token").asString());
    }

    /** A new product with this price and stock. */
    String product(long priceCents, int stock) {
        String sku = "SKU-D" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).toUpperCase();
        EdgeClient.Response added = edge.post("/api/catalog/products", Map.of("sku", sku, "name", "Test " + sku,
                "description", "made by a test", "priceCents", priceCents), admin);
        assertThat(added.is2xx()).as(added.toString()).isTrue();
        EdgeClient.Response received = edge.post("/api/inventory/" + sku + "/receipts", Map.of("quantity", stock), admin);
        assertThat(received.is2xx()).as(received.toString()).isTrue();
        return sku;
    }

    /** {@code count} checkouts of one unit each, one after another. */
    List<String> checkOuts(Customer customer, String sku, int count) {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orders.add(checkOut(customer, sku, 1));
        }
        return orders;
    }

    /** Adds to the cart and checks out; the order id. */
    String checkOut(Customer customer, String sku, int quantity) {
        await().atMost(patience).until(() -> edge.post("/api/cart/items", Map.of("sku", sku, "quantity", quantity),
                customer.token()), EdgeClient.Response::is2xx);
        // an instance killed under the request answers 5xx through edge: the key makes the retry safe
        String key = UUID.randomUUID().toString();
        EdgeClient.Response accepted = await().atMost(patience).until(() -> edge.send("POST", "/api/cart/checkout",
                SharedStore.checkoutBody(customer.card()), customer.token(), Map.of("Idempotency-Key", key)),
                response -> response.status() < 500);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.body().get("orderId").asString();
    }

    /** The order once it is delivered or cancelled. */
    JsonNode awaitTerminal(Customer customer, String orderId) {
        return await().atMost(patience).until(() -> {
            EdgeClient.Response response = edge.get("/api/orders/" + orderId, customer.token());
            return response.status() == 200 ? response.body() : null;
        }, order -> order != null && TERMINAL.contains(order.get("status").asString()));
    }

    /** The event types of the order's payment stream, from payments' log through the operations API. */
    List<String> paymentEvents(String orderId) {
        EdgeClient.Response stream = edge.get("/api/ops/payments/streams/payment-" + orderId, admin);
        if (stream.status() == 404) {
            return List.of();
        }
        assertThat(stream.status()).as(stream.toString()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        stream.body().get("events").forEach(event -> types.add(event.get("type").asString()));
        return types;
    }

    /** The stock of {@code sku} now. */
    void assertStock(String sku, long onHand, long reserved) {
        JsonNode level = edge.get("/api/inventory/" + sku, null).body();
        assertThat(level.get("onHand").asLong()).as("on hand of %s: %s", sku, level).isEqualTo(onHand);
        assertThat(level.get("reserved").asLong()).as("reserved of %s: %s", sku, level).isEqualTo(reserved);
    }
}
