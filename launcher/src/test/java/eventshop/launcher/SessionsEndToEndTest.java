package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.edge.sessions.Sessions;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.net.http.HttpClient;
import java.time.Year;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Sessions that end and accounts that may not shop, across the real store (issue 11, parts 4, 5 and 7):
 * customers registered and logged in through edge's API like anyone, the admin's commands through edge,
 * on the {@link SharedStore}. Each check is repeated over fresh customers so that "at once" cannot pass
 * by luck.
 */
class SessionsEndToEndTest {

    private static final int ROUNDS = 20;

    private static SharedStore shop;
    private static EdgeClient edge;
    private static String sku;

    @BeforeAll
    static void useTheSharedStore() {
        shop = SharedStore.get();
        edge = shop.edge;
        sku = shop.product(1_500, 10_000);
    }

    /** A customer as a person becomes one: registered through the API, logged in with the password. */
    record Person(String id, String email, String password, String token) {
    }

    static Person registerAndLogIn() {
        String email = "s-" + UUID.randomUUID() + "@example.com";
        String password = "password-" + UUID.randomUUID();
        EdgeClient.Response registered = edge.post("/api/accounts", Map.of("email", email, "name", "Sam Session",
                "password", password), null);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        EdgeClient.Response login = edge.post("/api/auth/login", Map.of("email", email, "password", password), null);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        return new Person(registered.body().get("accountId").asString(), email, password,
                login.body().get("token").asString());
    }

    static EdgeClient.Response tokenize(String token) {
        return edge.post("/api/payments/tokens", Map.of("number", SharedStore.APPROVES, "expMonth", 12,
                "expYear", Year.now().getValue() + 2, "cvc", "123"), token);
    }

    static EdgeClient.Response login(Person person) {
        return edge.post("/api/auth/login", Map.of("email", person.email(), "password", person.password()), null);
    }

    static void assertProblem(EdgeClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.body().path("type").asString()).as(response.toString()).isEqualTo(type);
    }

    /** Every kind of call the customer made a moment ago is refused with their token. */
    static void everyCallIsRefused(Person person, String card) {
        assertProblem(edge.post("/api/cart/items", Map.of("sku", sku, "quantity", 1), person.token()), 401,
                "/problems/unauthorized");
        assertProblem(tokenize(person.token()), 401, "/problems/unauthorized");
        assertProblem(edge.post("/api/cart/checkout", SharedStore.checkoutBody(card), person.token()), 401,
                "/problems/unauthorized");
        assertProblem(edge.get("/api/accounts/me", person.token()), 401, "/problems/unauthorized");
        assertProblem(edge.get("/api/auth/me", person.token()), 401, "/problems/unauthorized");
    }

    @Test
    void anAdminsSuspension_refusesTheCustomersTokenAtOnce_andTheirLoginAsSuspended() {
        for (int round = 0; round < ROUNDS; round++) {
            // given: a customer using the store
            Person sam = registerAndLogIn();
            EdgeClient.Response card = tokenize(sam.token());
            assertThat(card.status()).as(card.toString()).isEqualTo(201);
            shop.addToCart(new SharedStore.Customer(sam.id(), sam.token(), null), sku, 1);

            // when
            EdgeClient.Response suspended = edge.post("/api/accounts/" + sam.id() + "/suspend",
                    Map.of("reason", "a test"), shop.admin);
            assertThat(suspended.status()).as(suspended.toString()).isEqualTo(204);

            // then: at once, not eventually
            everyCallIsRefused(sam, card.body().get("token").asString());
            assertProblem(login(sam), 403, "/problems/account-suspended");
        }
    }

    @Test
    void anAdminsArchiving_refusesTheCustomersTokenAtOnce_andTheirLoginAsArchived() {
        for (int round = 0; round < ROUNDS; round++) {
            Person ann = registerAndLogIn();
            EdgeClient.Response card = tokenize(ann.token());
            assertThat(card.status()).as(card.toString()).isEqualTo(201);

            EdgeClient.Response archived = edge.post("/api/accounts/" + ann.id() + "/archive", null, shop.admin);
            assertThat(archived.status()).as(archived.toString()).isEqualTo(204);

            everyCallIsRefused(ann, card.body().get("token").asString());
            EdgeClient.Response login = login(ann);
            assertProblem(login, 403, "/problems/account-archived");
            assertThat(login.body().path("detail").asString()).containsIgnoringCase("archived");
        }
    }

    @Test
    void aReactivatedCustomer_logsInAgain() {
        Person rae = registerAndLogIn();
        assertThat(edge.post("/api/accounts/" + rae.id() + "/suspend", null, shop.admin).status()).isEqualTo(204);
        assertThat(edge.post("/api/accounts/" + rae.id() + "/reactivate", null, shop.admin).status()).isEqualTo(204);

        EdgeClient.Response login = login(rae);

        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        JsonNode me = edge.get("/api/accounts/me", login.body().get("token").asString()).body();
        assertThat(me.get("status").asString()).as("suspended while pending, back to pending").isEqualTo("PENDING");
    }

    @Test
    void logout_refusesTheTokenAtOnce_andAgainForASecondLogout() {
        for (int round = 0; round < ROUNDS; round++) {
            Person lou = registerAndLogIn();
            EdgeClient.Response card = tokenize(lou.token());
            assertThat(card.status()).as(card.toString()).isEqualTo(201);

            EdgeClient.Response logout = edge.post("/api/auth/logout", null, lou.token());
            assertThat(logout.status()).as(logout.toString()).isEqualTo(204);

            everyCallIsRefused(lou, card.body().get("token").asString());
            assertProblem(edge.post("/api/auth/logout", null, lou.token()), 401, "/problems/unauthorized");
            // the account itself is fine: a new login works
            assertThat(login(lou).status()).isEqualTo(200);
        }
    }

    @Test
    void aSuspensionThatDidNotPassThroughEdge_endsTheSessionsToo() {
        // accounts is told directly (another edge instance, an operator's tool): edge learns it from accounts.events
        Person tom = registerAndLogIn();
        assertThat(edge.get("/api/auth/me", tom.token()).status()).isEqualTo(200);
        String admin = shop.tokens.mint(EdgeUser.admin("ops-" + UUID.randomUUID(), DemoData.ADMIN_EMAIL));
        EdgeClient accountsDirectly = new EdgeClient(HttpClient.newHttpClient(), shop.store.url("accounts"));

        assertThat(accountsDirectly.post("/api/accounts/" + tom.id() + "/suspend", null, admin).status()).isEqualTo(204);

        await().atMost(SharedStore.PATIENCE).untilAsserted(() ->
                assertProblem(edge.get("/api/auth/me", tom.token()), 401, "/problems/unauthorized"));
    }

    @Test
    void aSuspensionLearnedLate_afterTheCustomerWasReactivatedAndLoggedInAgain_endsOnlyTheOldSession() {
        // given: edge's accounts.events listener held back, accounts told directly to suspend and reactivate
        Person rae = registerAndLogIn();
        var edgeContext = shop.store.context("edge");
        var listener = edgeContext.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("edge-account-events");
        Sessions sessions = edgeContext.getBean(Sessions.class);
        String admin = shop.tokens.mint(EdgeUser.admin("ops-" + UUID.randomUUID(), DemoData.ADMIN_EMAIL));
        EdgeClient accountsDirectly = new EdgeClient(HttpClient.newHttpClient(), shop.store.url("accounts"));
        long mark;
        String again;
        listener.pause();
        try {
            await().atMost(SharedStore.PATIENCE).until(listener::isContainerPaused);
            mark = sessions.mark();
            assertThat(accountsDirectly.post("/api/accounts/" + rae.id() + "/suspend", null, admin).status())
                    .isEqualTo(204);
            assertThat(accountsDirectly.post("/api/accounts/" + rae.id() + "/reactivate", null, admin).status())
                    .isEqualTo(204);
            // the customer logs in again, after the reactivation
            EdgeClient.Response login = login(rae);
            assertThat(login.status()).as(login.toString()).isEqualTo(200);
            again = login.body().get("token").asString();
        } finally {
            listener.resume();
        }

        // when: edge learns of the suspension
        await().atMost(SharedStore.PATIENCE).until(sessions::mark, latest -> latest > mark);

        // then: the session from before the suspension ends, the one from after the reactivation does not
        assertProblem(edge.get("/api/auth/me", rae.token()), 401, "/problems/unauthorized");
        assertThat(edge.get("/api/auth/me", again).status()).isEqualTo(200);
    }

    @Test
    void aCheckoutInFlightWhenTheSuspensionLands_isCancelled_withTheStockReleased_andNothingCharged() {
        // given: inventory is down, so each order waits for its reservation (4 s, asked twice) after it is placed
        String scarce = shop.product(2_000, 50);
        record Placed(Person person, String orderId) {
        }
        java.util.List<Placed> orders = new java.util.ArrayList<>();
        java.util.List<Person> people = new java.util.ArrayList<>();
        java.util.List<String> cards = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Person person = registerAndLogIn();
            EdgeClient.Response card = tokenize(person.token());
            assertThat(card.status()).as(card.toString()).isEqualTo(201);
            shop.addToCart(new SharedStore.Customer(person.id(), person.token(), null), scarce, 2);
            people.add(person);
            cards.add(card.body().get("token").asString());
        }
        shop.store.stopApp("inventory");
        try {
            for (int i = 0; i < people.size(); i++) {
                Person person = people.get(i);
                EdgeClient.Response checkedOut = edge.post("/api/cart/checkout", SharedStore.checkoutBody(cards.get(i)),
                        person.token());
                assertThat(checkedOut.status()).as(checkedOut.toString()).isEqualTo(202);
                String orderId = checkedOut.body().get("orderId").asString();
                await().atMost(SharedStore.PATIENCE).until(() -> adminStatus(orderId), "PLACED"::equals);

                // when: the admin suspends the customer while the order waits
                assertThat(edge.post("/api/accounts/" + person.id() + "/suspend", null, shop.admin).status())
                        .isEqualTo(204);

                // then: the order is cancelled for the account (not timed out)
                JsonNode cancelled = await().atMost(SharedStore.PATIENCE).until(() -> adminOrder(orderId),
                        order -> order != null && order.get("status").asString().equals("CANCELLED"));
                assertThat(cancelled.get("cancellationReason").asString()).isEqualTo("ACCOUNT_SUSPENDED");
                orders.add(new Placed(person, orderId));
            }
        } finally {
            shop.store.startApp("inventory");
        }
        // and once inventory answers, the reservations made late are released; no payment was ever asked
        for (Placed placed : orders) {
            await().atMost(SharedStore.PATIENCE).until(() -> adminOrder(placed.orderId()),
                    order -> order.get("pendingCompensations").isEmpty());
            assertThat(shop.paymentEvents(placed.orderId())).isEmpty();
            assertThat(shop.eventTypes("orders", "order-" + placed.orderId()))
                    .doesNotContain("OrderConfirmed", "PaymentAuthorizationRequested", "PaymentCaptureRequested");
        }
        await().atMost(SharedStore.PATIENCE).untilAsserted(() -> shop.assertStock(scarce, 50, 0));
    }

    @Test
    void aCheckoutRacingTheSuspension_endsWithNothingHeld_andIsConfirmedOnlyIfItWasBeforeTheSuspension() throws Exception {
        for (int round = 0; round < ROUNDS / 2; round++) {
            Person rex = registerAndLogIn();
            EdgeClient.Response card = tokenize(rex.token());
            assertThat(card.status()).as(card.toString()).isEqualTo(201);
            shop.addToCart(new SharedStore.Customer(rex.id(), rex.token(), null), sku, 1);

            var outcomes = SharedStore.parallel(2, i -> i == 0
                    ? edge.post("/api/cart/checkout", SharedStore.checkoutBody(card.body().get("token").asString()),
                    rex.token())
                    : edge.post("/api/accounts/" + rex.id() + "/suspend", null, shop.admin));

            assertThat(outcomes.get(1).status()).isEqualTo(204);
            EdgeClient.Response checkout = outcomes.get(0);
            if (checkout.status() == 401) {
                continue; // the session ended first: no order
            }
            assertThat(checkout.status()).as(checkout.toString()).isEqualTo(202);
            String orderId = checkout.body().get("orderId").asString();
            JsonNode order = await().atMost(SharedStore.PATIENCE).until(() -> adminOrder(orderId), o -> o != null
                    && java.util.Set.of("DELIVERED", "CANCELLED").contains(o.get("status").asString())
                    && o.get("pendingCompensations").isEmpty());
            java.util.List<String> payment = shop.paymentEvents(orderId);
            if (order.get("status").asString().equals("CANCELLED")) {
                assertThat(order.get("cancellationReason").asString()).isEqualTo("ACCOUNT_SUSPENDED");
                assertThat(payment).doesNotContain("PaymentCaptured");
            } else {
                assertThat(payment).contains("PaymentCaptured");
            }
        }
    }

    @Test
    void aSavedCard_isTheCallersOwnToken_withWhatPaymentsSays() {
        for (int round = 0; round < 5; round++) {
            Person mallory = registerAndLogIn();
            Person victim = registerAndLogIn();
            String victimsCard = tokenize(victim.token()).body().get("token").asString();
            String ownCard = tokenize(mallory.token()).body().get("token").asString();

            // another customer's token, with a made-up brand and last4: refused, nothing stored
            EdgeClient.Response forged = edge.post("/api/accounts/me/cards", Map.of("cardToken", victimsCard,
                    "brand", "AMEX", "last4", "0005", "expMonth", 1, "expYear", 2040), mallory.token());
            assertProblem(forged, 400, "/problems/invalid-fields");
            EdgeClient.Response foreign = edge.post("/api/accounts/me/cards", Map.of("cardToken", victimsCard),
                    mallory.token());
            assertProblem(foreign, 422, "/problems/unknown-card");
            EdgeClient.Response unknown = edge.post("/api/accounts/me/cards", Map.of("cardToken", "tok_made_up"),
                    mallory.token());
            assertProblem(unknown, 422, "/problems/unknown-card");
            assertThat(shop.eventTypes("accounts", "account-" + mallory.id())).doesNotContain("CardSaved");

            // the own token: saved with payments' brand and last4
            EdgeClient.Response saved = edge.post("/api/accounts/me/cards", Map.of("cardToken", ownCard),
                    mallory.token());
            assertThat(saved.status()).as(saved.toString()).isEqualTo(201);
            assertThat(saved.body().get("brand").asString()).isEqualTo("VISA");
            assertThat(saved.body().get("last4").asString()).isEqualTo("4242");
            JsonNode cards = edge.send("GET", "/api/accounts/me", null, mallory.token(),
                    Map.of("Consistency-Token", saved.header("Consistency-Token"))).body().get("cards");
            assertThat(cards).hasSize(1);
            assertThat(cards.get(0).get("cardToken").asString()).isEqualTo(ownCard);
        }
    }

    @Test
    void anAdminsCancel_isRecordedAsTheAdministrators() {
        Person ada = registerAndLogIn();
        String card = tokenize(ada.token()).body().get("token").asString();
        String scarce = shop.product(1_000, 5);
        shop.store.stopApp("inventory");
        String orderId;
        try {
            shop.addToCart(new SharedStore.Customer(ada.id(), ada.token(), null), scarce, 1);
            EdgeClient.Response checkedOut = edge.post("/api/cart/checkout", SharedStore.checkoutBody(card), ada.token());
            assertThat(checkedOut.status()).as(checkedOut.toString()).isEqualTo(202);
            orderId = checkedOut.body().get("orderId").asString();
            await().atMost(SharedStore.PATIENCE).until(() -> adminStatus(orderId), "PLACED"::equals);

            EdgeClient.Response cancelled = edge.post("/api/orders/" + orderId + "/cancel", null, shop.admin);

            assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
            assertThat(cancelled.body().get("cancellationReason").asString()).isEqualTo("ADMIN_CANCELLED");
            assertThat(cancelled.body().get("cancellationDetail").asString()).isEqualTo("cancelled by an administrator");
        } finally {
            shop.store.startApp("inventory");
        }
        JsonNode own = shop.order(new SharedStore.Customer(ada.id(), ada.token(), null), orderId);
        assertThat(own.get("cancellationReason").asString()).isEqualTo("ADMIN_CANCELLED");
    }

    // ---- the admin's view of an order (the customer's token may be gone)

    static JsonNode adminOrder(String orderId) {
        EdgeClient.Response response = edge.get("/api/orders/" + orderId, shop.admin);
        return response.status() == 200 ? response.body() : null;
    }

    static String adminStatus(String orderId) {
        JsonNode order = adminOrder(orderId);
        return order == null ? "" : order.get("status").asString();
    }
}
