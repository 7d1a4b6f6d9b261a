package eventshop.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountEvent;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@AccountsTest
class AccountsApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @Autowired
    MockMvc http;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    Accounts accounts;
    @Autowired
    @Qualifier("accountCommands")
    Consumer<Message<byte[]>> accountCommands;

    // ------------------------------------------------------------------ helpers

    /** A registered customer: id, e-mail, password and a services token for it. */
    record Customer(String id, String email, String password, String token, String consistencyToken) {
    }

    String bearer(EdgeUser user) {
        return "Bearer " + tokens.mint(user);
    }

    String anonymous() {
        return bearer(EdgeUser.ANONYMOUS);
    }

    String admin() {
        return bearer(EdgeUser.admin(UUID.randomUUID().toString(), AccountsTest.ADMIN_EMAIL));
    }

    String edge() {
        return bearer(new EdgeUser("edge", "", Set.of(EdgeToken.EDGE)));
    }

    static String newEmail() {
        return "api-" + UUID.randomUUID() + "@example.com";
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String bearer) {
        return request.header(HttpHeaders.AUTHORIZATION, bearer);
    }

    MockHttpServletRequestBuilder jsonBody(MockHttpServletRequestBuilder request, String bearer, String body) {
        return as(request, bearer).contentType(MediaType.APPLICATION_JSON).content(body);
    }

    Customer register() throws Exception {
        String email = newEmail();
        String password = "pw-" + UUID.randomUUID();
        MvcResult result = http.perform(jsonBody(post("/api/accounts"), anonymous(),
                        json(java.util.Map.of("email", email, "name", "Customer", "password", password))))
                .andExpect(status().isCreated())
                .andReturn();
        String id = JSON.readTree(result.getResponse().getContentAsString()).get("accountId").asString();
        return new Customer(id, email, password, bearer(EdgeUser.customer(id, email)),
                result.getResponse().getHeader(ConsistencyToken.HEADER));
    }

    /** Registered, confirmed with the code, and activated as the account-lifecycle function would. */
    Customer active() throws Exception {
        Customer customer = register();
        http.perform(jsonBody(post("/api/accounts/me/confirm"), customer.token(),
                        json(java.util.Map.of("code", codeOf(customer.id())))))
                .andExpect(status().isNoContent());
        activate(customer.id());
        String token = new ConsistencyToken("accounts", store.headPosition()).toString();
        return new Customer(customer.id(), customer.email(), customer.password(), customer.token(), token);
    }

    /** What the account-lifecycle function sends on AccountConfirmed. */
    void activate(String accountId) {
        accountCommands.accept(Commands.message(UUID.randomUUID(), new ActivateAccount(accountId)));
    }

    String codeOf(String accountId) {
        return accounts.registration(accountId).orElseThrow().confirmationCode();
    }

    JsonNode me(Customer customer, String consistencyToken) throws Exception {
        MockHttpServletRequestBuilder request = as(get("/api/accounts/me"), customer.token());
        if (consistencyToken != null) {
            request.header(ConsistencyToken.HEADER, consistencyToken);
        }
        return JSON.readTree(http.perform(request).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    List<String> eventTypes(String accountId) {
        return store.read("account-" + accountId, 0).map(e -> e.type()).collectList().block();
    }

    // ------------------------------------------------------------------ tests

    @Nested
    class Registering {

        @Test
        void anyone_registers_and_gets_the_id_a_location_and_a_consistency_token() throws Exception {
            String email = newEmail();
            http.perform(jsonBody(post("/api/accounts"), anonymous(),
                            json(java.util.Map.of("email", email, "name", "Ada", "password", "correct horse"))))
                    .andExpect(status().isCreated())
                    .andExpect(header().string(HttpHeaders.LOCATION, matchesPattern("/api/accounts/[0-9a-f-]{36}")))
                    .andExpect(header().string(ConsistencyToken.HEADER, matchesPattern("accounts:\\d+@[A-Za-z0-9._~%-]+")))
                    .andExpect(jsonPath("$.accountId").isString());
        }

        @Test
        void a_taken_address_is_a_409_problem() throws Exception {
            Customer customer = register();
            http.perform(jsonBody(post("/api/accounts"), anonymous(), json(java.util.Map.of(
                            "email", customer.email().toUpperCase(), "name", "Eve", "password", "other password"))))
                    .andExpect(status().isConflict())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/email-taken"));
        }

        @Test
        void of_two_concurrent_registrations_of_one_address_one_is_created_and_one_is_told_it_is_taken()
                throws Exception {
            String body = json(java.util.Map.of("email", newEmail(), "name", "Racer", "password", "racing password"));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                for (int i = 0; i < 2; i++) {
                    String bearer = anonymous();
                    Callable<Integer> call = () -> {
                        start.await();
                        return http.perform(jsonBody(post("/api/accounts"), bearer, body)).andReturn().getResponse()
                                .getStatus();
                    };
                    statuses.add(pool.submit(call));
                }
                start.countDown();
                List<Integer> codes = new ArrayList<>();
                for (Future<Integer> code : statuses) {
                    codes.add(code.get());
                }
                assertThat(codes).containsExactlyInAnyOrder(201, 409);
            }
        }
    }

    @Nested
    class Security {

        @Test
        void no_token_or_a_forged_one_is_401() throws Exception {
            http.perform(post("/api/accounts").contentType(MediaType.APPLICATION_JSON)
                            .content(json(java.util.Map.of("email", newEmail(), "name", "Ada", "password", "correct horse"))))
                    .andExpect(status().isUnauthorized())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(as(get("/api/accounts/me"), "Bearer not.a.token")).andExpect(status().isUnauthorized());
            EdgeTokens forger = new EdgeTokens("another-secret-of-at-least-32-bytes!!".getBytes(), java.time.Clock.systemUTC());
            http.perform(as(get("/api/accounts/me"), "Bearer " + forger.mint(EdgeUser.admin("x", "x@example.com"))))
                    .andExpect(status().isUnauthorized());
        }

        @Test
        void the_anonymous_caller_has_no_me() throws Exception {
            http.perform(as(get("/api/accounts/me"), anonymous()))
                    .andExpect(status().isUnauthorized())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
        }

        @Test
        void a_customer_at_an_administrator_endpoint_is_403() throws Exception {
            Customer customer = register();
            Customer other = register();
            http.perform(as(get("/api/accounts"), customer.token())).andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(as(get("/api/accounts/" + other.id()), customer.token())).andExpect(status().isForbidden());
            for (String action : List.of("confirm", "suspend", "reactivate", "archive")) {
                http.perform(as(post("/api/accounts/" + other.id() + "/" + action), customer.token()))
                        .andExpect(status().isForbidden());
            }
            assertThat(eventTypes(other.id())).containsExactly("AccountRegistered");
        }

        @Test
        void a_customer_only_ever_reaches_their_own_account() throws Exception {
            Customer ada = active();
            Customer bob = active();
            String tokBob = "tok_bob_" + UUID.randomUUID().toString().substring(0, 8);
            http.perform(jsonBody(post("/api/accounts/me/cards"), bob.token(), card(bob, tokBob)))
                    .andExpect(status().isCreated());

            JsonNode me = me(ada, ada.consistencyToken());
            assertThat(me.get("accountId").asString()).isEqualTo(ada.id());
            assertThat(me.get("email").asString()).isEqualTo(ada.email());
            http.perform(as(delete("/api/accounts/me/cards/" + tokBob), ada.token()))
                    .andExpect(status().isNotFound());
            assertThat(eventTypes(bob.id())).contains("CardSaved").doesNotContain("CardRemoved");
        }

        @Test
        void a_token_for_an_account_that_does_not_exist_finds_nothing() throws Exception {
            String ghost = bearer(EdgeUser.customer(UUID.randomUUID().toString(), "ghost@example.com"));
            http.perform(as(get("/api/accounts/me"), ghost)).andExpect(status().isNotFound());
            http.perform(jsonBody(post("/api/accounts/me/confirm"), ghost, "{\"code\":\"123456\"}"))
                    .andExpect(status().isNotFound());
            http.perform(as(get("/api/accounts/me"), bearer(EdgeUser.customer("acc-1", "a@x.io"))))
                    .andExpect(status().isNotFound());
        }

        @Test
        void administrator_endpoints_answer_404_for_unknown_ids() throws Exception {
            for (String id : List.of(UUID.randomUUID().toString(), "no-such-account", "x".repeat(300))) {
                http.perform(as(get("/api/accounts/" + id), admin())).andExpect(status().isNotFound())
                        .andExpect(content().contentTypeCompatibleWith(PROBLEM));
                for (String action : List.of("confirm", "suspend", "reactivate", "archive")) {
                    http.perform(as(post("/api/accounts/" + id + "/" + action), admin()))
                            .andExpect(status().isNotFound())
                            .andExpect(jsonPath("$.type").value("/problems/account-not-found"));
                }
            }
        }

        @Test
        void only_edge_may_check_credentials() throws Exception {
            Customer customer = register();
            String body = json(java.util.Map.of("email", customer.email(), "password", customer.password()));
            http.perform(jsonBody(post("/internal/credentials/verify"), customer.token(), body))
                    .andExpect(status().isForbidden());
            http.perform(jsonBody(post("/internal/credentials/verify"), admin(), body))
                    .andExpect(status().isForbidden());
            http.perform(jsonBody(post("/internal/credentials/verify"), anonymous(), body))
                    .andExpect(status().isUnauthorized());
            http.perform(jsonBody(post("/internal/credentials/verify"), edge(), body))
                    .andExpect(status().isOk());
        }
    }

    /** The body that saves a card: its token only. */
    static String card(String token) {
        return json(java.util.Map.of("cardToken", token));
    }

    /** A card payments tokenized for the customer (VISA 4242, December in three years); the body that saves it. */
    static String card(Customer owner, String token) {
        PaymentsStub.card(owner.id(), token, "VISA", "4242", 12, java.time.Year.now().getValue() + 3);
        return card(token);
    }

    @Nested
    class Me {

        @Test
        void a_new_account_is_pending_with_no_address_and_no_cards() throws Exception {
            Customer customer = register();
            JsonNode me = me(customer, customer.consistencyToken());
            assertThat(me.get("accountId").asString()).isEqualTo(customer.id());
            assertThat(me.get("email").asString()).isEqualTo(customer.email());
            assertThat(me.get("name").asString()).isEqualTo("Customer");
            assertThat(me.get("status").asString()).isEqualTo("PENDING");
            assertThat(me.get("role").asString()).isEqualTo("CUSTOMER");
            assertThat(me.get("addresses").size()).isZero();
            assertThat(me.get("cards").size()).isZero();
            assertThat(me.toString()).doesNotContain(codeOf(customer.id())).doesNotContain("argon2");
        }

        @Test
        void confirming_with_the_code_confirms_and_the_function_activates() throws Exception {
            Customer customer = register();
            http.perform(jsonBody(post("/api/accounts/me/confirm"), customer.token(), "{\"code\":\"nope\"}"))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/wrong-confirmation-code"));
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered");

            String token = http.perform(jsonBody(post("/api/accounts/me/confirm"), customer.token(),
                            json(java.util.Map.of("code", codeOf(customer.id())))))
                    .andExpect(status().isNoContent())
                    .andExpect(header().string(ConsistencyToken.HEADER, matchesPattern("accounts:\\d+@[A-Za-z0-9._~%-]+")))
                    .andReturn().getResponse().getHeader(ConsistencyToken.HEADER);

            // confirmed, not active: shown PENDING, and it may log in
            assertThat(me(customer, token).get("status").asString()).isEqualTo("PENDING");
            assertThat(accounts.state(customer.id())).isInstanceOf(eventshop.accounts.domain.Account.Confirmed.class);
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered", "AccountConfirmed");
            verify(customer).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("PENDING"));
            http.perform(jsonBody(post("/api/accounts/me/confirm"), customer.token(),
                            json(java.util.Map.of("code", codeOf(customer.id())))))
                    .andExpect(status().isNoContent());
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered", "AccountConfirmed");

            // the account-lifecycle function activates it
            activate(customer.id());
            String activated = new ConsistencyToken("accounts", store.headPosition()).toString();
            assertThat(me(customer, activated).get("status").asString()).isEqualTo("ACTIVE");
            assertThat(eventTypes(customer.id()))
                    .containsExactly("AccountRegistered", "AccountConfirmed", "AccountActivated");
            http.perform(jsonBody(post("/api/accounts/me/confirm"), customer.token(),
                            json(java.util.Map.of("code", codeOf(customer.id())))))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.type").value("/problems/illegal-account-transition"));
        }

        @Test
        void the_address_is_set_and_replaced() throws Exception {
            Customer customer = register();
            String address = json(java.util.Map.of("name", "Ada Lovelace", "line1", "12 St James's Square",
                    "city", "London", "postalCode", "SW1Y 4JH", "country", "GB"));
            http.perform(jsonBody(put("/api/accounts/me/address"), customer.token(), address))
                    .andExpect(status().isNoContent());
            String token = http.perform(jsonBody(put("/api/accounts/me/address"), customer.token(),
                            address.replace("London", "Paris")))
                    .andExpect(status().isNoContent()).andReturn().getResponse().getHeader(ConsistencyToken.HEADER);

            JsonNode addresses = me(customer, token).get("addresses");
            assertThat(addresses.size()).isEqualTo(1);
            assertThat(addresses.get(0).get("city").asString()).isEqualTo("Paris");
            assertThat(addresses.get(0).get("line2").asString()).isEmpty();
        }

        @Test
        void cards_are_saved_listed_and_removed() throws Exception {
            Customer customer = register();
            String tok1 = "tok_1_" + UUID.randomUUID().toString().substring(0, 8);
            String tok2 = "tok_2_" + UUID.randomUUID().toString().substring(0, 8);
            http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(), card(customer, tok1)))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.cardToken").value(tok1))
                    .andExpect(header().exists(ConsistencyToken.HEADER));
            String token = http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(), card(customer, tok2)))
                    .andExpect(status().isCreated()).andReturn().getResponse().getHeader(ConsistencyToken.HEADER);
            JsonNode cards = me(customer, token).get("cards");
            assertThat(cards.size()).isEqualTo(2);
            assertThat(cards.get(0).get("cardToken").asString()).isEqualTo(tok1);
            assertThat(cards.get(0).get("brand").asString()).isEqualTo("VISA");
            assertThat(cards.get(0).get("last4").asString()).isEqualTo("4242");
            assertThat(cards.get(0).get("expMonth").asInt()).isEqualTo(12);

            token = http.perform(as(delete("/api/accounts/me/cards/" + tok1), customer.token()))
                    .andExpect(status().isNoContent()).andReturn().getResponse().getHeader(ConsistencyToken.HEADER);
            assertThat(me(customer, token).get("cards").size()).isEqualTo(1);
            http.perform(as(delete("/api/accounts/me/cards/" + tok1), customer.token()))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.type").value("/problems/card-not-found"));
        }

        @Test
        void a_saved_card_is_what_payments_says_it_is() throws Exception {
            Customer customer = register();
            String token = "tok_mc_" + UUID.randomUUID().toString().substring(0, 8);
            PaymentsStub.card(customer.id(), token, "MASTERCARD", "4444", 7, java.time.Year.now().getValue() + 4);

            String consistency = http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(), card(token)))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.brand").value("MASTERCARD"))
                    .andExpect(jsonPath("$.last4").value("4444"))
                    .andExpect(jsonPath("$.expMonth").value(7))
                    .andReturn().getResponse().getHeader(ConsistencyToken.HEADER);

            JsonNode saved = me(customer, consistency).get("cards").get(0);
            assertThat(saved.get("brand").asString()).isEqualTo("MASTERCARD");
            assertThat(saved.get("last4").asString()).isEqualTo("4444");
            assertThat(saved.get("expYear").asInt()).isEqualTo(java.time.Year.now().getValue() + 4);
        }

        @Test
        void another_customers_card_token_or_an_unknown_one_is_422_and_nothing_is_stored() throws Exception {
            Customer mallory = register();
            Customer victim = register();
            String victims = "tok_victim_" + UUID.randomUUID().toString().substring(0, 8);
            PaymentsStub.card(victim.id(), victims, "VISA", "1111", 12, java.time.Year.now().getValue() + 2);

            for (String token : List.of(victims, "tok_nobody_" + UUID.randomUUID().toString().substring(0, 8))) {
                http.perform(jsonBody(post("/api/accounts/me/cards"), mallory.token(), card(token)))
                        .andExpect(status().isUnprocessableContent())
                        .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                        .andExpect(jsonPath("$.type").value("/problems/unknown-card"));
            }
            assertThat(eventTypes(mallory.id())).containsExactly("AccountRegistered");
        }

        @Test
        void brand_last4_or_expiry_sent_by_the_client_are_400_naming_them_and_payments_is_not_asked() throws Exception {
            Customer customer = register();
            String token = "tok_" + UUID.randomUUID().toString().substring(0, 8);
            PaymentsStub.card(customer.id(), token, "VISA", "4242", 12, java.time.Year.now().getValue() + 3);
            int lookups = PaymentsStub.lookups();

            http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(), json(java.util.Map.of(
                            "cardToken", token, "brand", "AMEX", "last4", "0005"))))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/invalid-fields"))
                    .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.contains("brand", "last4")))
                    .andExpect(jsonPath("$.errors[0].in").value("body"));
            http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(), json(java.util.Map.of(
                            "cardToken", token, "expMonth", 1, "expYear", 2040))))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.contains("expMonth", "expYear")));

            assertThat(PaymentsStub.lookups()).isEqualTo(lookups);
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered");
        }

        @Test
        void payments_not_answering_is_503_and_nothing_is_stored() throws Exception {
            Customer customer = register();

            http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(), card(PaymentsStub.FAILING)))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/service-unavailable"))
                    .andExpect(header().exists(HttpHeaders.RETRY_AFTER));

            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered");
        }

        @Test
        void an_expired_card_or_an_unknown_brand_from_payments_is_422() throws Exception {
            Customer customer = register();
            PaymentsStub.card(customer.id(), "tok_old_" + customer.id().substring(0, 8), "VISA", "4242", 1, 2020);
            PaymentsStub.card(customer.id(), "tok_x_" + customer.id().substring(0, 8), "DINERS", "4242", 12,
                    java.time.Year.now().getValue() + 3);
            http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(),
                            card("tok_old_" + customer.id().substring(0, 8))))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/card-expired"));
            http.perform(jsonBody(post("/api/accounts/me/cards"), customer.token(),
                            card("tok_x_" + customer.id().substring(0, 8))))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/invalid-card"));
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered");
        }
    }

    @Nested
    class Administration {

        @Test
        void lists_accounts_page_by_page() throws Exception {
            Customer customer = register();
            http.perform(as(get("/api/accounts?page=0&size=100"), admin())
                            .header(ConsistencyToken.HEADER, customer.consistencyToken()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.page").value(0))
                    .andExpect(jsonPath("$.size").value(100))
                    .andExpect(jsonPath("$.total").isNumber())
                    .andExpect(jsonPath("$.items[*].email").value(hasItem(AccountsTest.ADMIN_EMAIL)));
            http.perform(as(get("/api/accounts?page=0&size=1"), admin()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.items.length()").value(1));
            http.perform(as(get("/api/accounts?size=0"), admin())).andExpect(status().isBadRequest());
            http.perform(as(get("/api/accounts?size=101"), admin())).andExpect(status().isBadRequest());
            http.perform(as(get("/api/accounts?page=-1"), admin())).andExpect(status().isBadRequest());
            http.perform(as(get("/api/accounts?page=x"), admin())).andExpect(status().isBadRequest());
        }

        @Test
        void an_administrator_confirms_suspends_reactivates_and_archives() throws Exception {
            Customer customer = register();
            http.perform(as(post("/api/accounts/" + customer.id() + "/confirm"), admin()))
                    .andExpect(status().isNoContent());
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered", "AccountConfirmed");
            activate(customer.id());
            http.perform(jsonBody(post("/api/accounts/" + customer.id() + "/suspend"), admin(),
                            "{\"reason\":\"chargebacks\"}"))
                    .andExpect(status().isNoContent());
            verify(customer).andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.type").value("/problems/account-suspended"));
            http.perform(as(post("/api/accounts/" + customer.id() + "/reactivate"), admin()))
                    .andExpect(status().isNoContent());
            verify(customer).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("ACTIVE"));
            String token = http.perform(as(post("/api/accounts/" + customer.id() + "/archive"), admin()))
                    .andExpect(status().isNoContent()).andReturn().getResponse().getHeader(ConsistencyToken.HEADER);
            http.perform(as(get("/api/accounts/" + customer.id()), admin()).header(ConsistencyToken.HEADER, token))
                    .andExpect(status().isOk()).andExpect(jsonPath("$.status").value("ARCHIVED"));
            verify(customer).andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.type").value("/problems/account-archived"))
                    .andExpect(jsonPath("$.title").value("Account archived"));
            http.perform(as(post("/api/accounts/" + customer.id() + "/archive"), admin()))
                    .andExpect(status().isNoContent());
            http.perform(as(post("/api/accounts/" + customer.id() + "/reactivate"), admin()))
                    .andExpect(status().isConflict());
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered", "AccountConfirmed",
                    "AccountActivated", "AccountSuspended", "AccountReactivated", "AccountArchived");
        }

        @Test
        void a_pending_account_is_suspended_and_reactivated_pending() throws Exception {
            Customer customer = register();

            http.perform(as(post("/api/accounts/" + customer.id() + "/suspend"), admin()))
                    .andExpect(status().isNoContent());
            verify(customer).andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.type").value("/problems/account-suspended"));
            String token = http.perform(as(post("/api/accounts/" + customer.id() + "/reactivate"), admin()))
                    .andExpect(status().isNoContent()).andReturn().getResponse().getHeader(ConsistencyToken.HEADER);

            http.perform(as(get("/api/accounts/" + customer.id()), admin()).header(ConsistencyToken.HEADER, token))
                    .andExpect(status().isOk()).andExpect(jsonPath("$.status").value("PENDING"));
            verify(customer).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("PENDING"))
                    .andExpect(jsonPath("$.accountVersion").value(2));
            assertThat(eventTypes(customer.id())).containsExactly("AccountRegistered", "AccountSuspended",
                    "AccountReactivated");
        }

        @Test
        void the_administrator_exists_at_start_confirmed_and_may_log_in() throws Exception {
            // confirmed by the bootstrap; the account-lifecycle function activates it (not running here)
            http.perform(jsonBody(post("/internal/credentials/verify"), edge(), json(java.util.Map.of(
                            "email", AccountsTest.ADMIN_EMAIL, "password", AccountsTest.ADMIN_PASSWORD))))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.role").value("ADMIN"))
                    .andExpect(jsonPath("$.status").value(org.hamcrest.Matchers.oneOf("PENDING", "ACTIVE")));
        }
    }

    org.springframework.test.web.servlet.ResultActions verify(Customer customer) throws Exception {
        return http.perform(jsonBody(post("/internal/credentials/verify"), edge(),
                json(java.util.Map.of("email", customer.email(), "password", customer.password()))));
    }

    /** The account's {@code _links}: what its owner, and an administrator, may do with it in its status. */
    @Nested
    class Links {

        JsonNode read(String uri, String bearer, String consistencyToken) throws Exception {
            MockHttpServletRequestBuilder request = as(get(uri), bearer);
            if (consistencyToken != null) {
                request.header(ConsistencyToken.HEADER, consistencyToken);
            }
            return JSON.readTree(http.perform(request).andExpect(status().isOk()).andReturn().getResponse()
                    .getContentAsString());
        }

        JsonNode adminLinks(Customer customer, String consistencyToken) throws Exception {
            return read("/api/accounts/" + customer.id(), admin(), consistencyToken).get("_links");
        }

        String command(String href) throws Exception {
            return http.perform(as(post(href), admin())).andExpect(status().isNoContent()).andReturn().getResponse()
                    .getHeader(ConsistencyToken.HEADER);
        }

        @Test
        void a_pending_account_links_confirm_for_its_owner_and_an_active_one_does_not() throws Exception {
            Customer customer = register();

            JsonNode me = me(customer, customer.consistencyToken());

            assertThat(me.get("status").asString()).isEqualTo("PENDING");
            assertThat(me.get("email").asString()).isEqualTo(customer.email());
            assertThat(me.get("_links").propertyNames()).containsExactly("self", "events", "confirm",
                    "confirmation-code", "change-address", "save-card", "forget");
            assertThat(me.at("/_links/forget/href").asString()).isEqualTo("/api/accounts/me");
            assertThat(me.at("/_links/self/href").asString()).isEqualTo("/api/accounts/me");
            assertThat(me.at("/_links/events/href").asString()).isEqualTo("/api/accounts/me/events");
            assertThat(me.at("/_links/confirm/href").asString()).isEqualTo("/api/accounts/me/confirm");

            Customer active = active();
            assertThat(me(active, active.consistencyToken()).get("_links").propertyNames())
                    .containsExactly("self", "events", "change-address", "save-card", "forget");
        }

        @Test
        void the_administrators_view_links_the_lifecycle_commands_its_status_allows_and_following_them_works()
                throws Exception {
            Customer customer = register();

            JsonNode pending = adminLinks(customer, customer.consistencyToken());
            assertThat(pending.propertyNames()).containsExactly("self", "events", "confirm", "suspend", "archive",
                    "forget");
            assertThat(pending.at("/self/href").asString()).isEqualTo("/api/accounts/" + customer.id());
            assertThat(pending.at("/suspend/href").asString()).isEqualTo("/api/accounts/" + customer.id() + "/suspend");

            String confirmed = command(pending.at("/confirm/href").asString());
            activate(customer.id());
            String activated = new ConsistencyToken("accounts", store.headPosition()).toString();
            assertThat(confirmed).isNotNull();
            JsonNode active = adminLinks(customer, activated);
            assertThat(active.propertyNames()).containsExactly("self", "events", "suspend", "archive", "forget");

            JsonNode suspended = adminLinks(customer, command(active.at("/suspend/href").asString()));
            assertThat(suspended.propertyNames()).containsExactly("self", "events", "reactivate", "archive", "forget");

            JsonNode archived = adminLinks(customer, command(suspended.at("/archive/href").asString()));
            assertThat(archived.propertyNames()).containsExactly("self", "events", "forget");

            JsonNode forgotten = adminLinks(customer, command(archived.at("/forget/href").asString()));
            assertThat(forgotten.propertyNames()).containsExactly("self", "events");
        }

        @Test
        void a_customer_never_sees_the_administrators_commands() throws Exception {
            Customer customer = register();

            JsonNode me = me(customer, customer.consistencyToken());

            assertThat(me.get("_links").propertyNames()).doesNotContain("suspend", "reactivate", "archive");
        }

        @Test
        void the_event_log_is_the_owners_and_an_administrators_only() throws Exception {
            Customer customer = register();
            Customer other = register();

            JsonNode mine = read("/api/accounts/me/events", customer.token(), null);
            assertThat(mine).extracting(event -> event.get("type").asString()).containsExactly("AccountRegistered");
            assertThat(mine.get(0).propertyNames()).containsExactly("type", "version", "position", "recordedAt", "data");
            assertThat(mine.get(0).at("/data/accountId").asString()).isEqualTo(customer.id());
            JsonNode byAdmin = read(me(customer, customer.consistencyToken()).at("/_links/events/href").asString()
                    .replace("/me/", "/" + customer.id() + "/"), admin(), null);
            assertThat(byAdmin).isEqualTo(mine);
            assertThat(read(adminLinks(customer, customer.consistencyToken()).at("/events/href").asString(), admin(),
                    null)).isEqualTo(mine);
            assertThat(read("/api/accounts/me/events", other.token(), null).get(0).at("/data/accountId").asString())
                    .isEqualTo(other.id());

            // another customer cannot name this account: the administrators' path is 403 whatever the id
            http.perform(as(get("/api/accounts/" + customer.id() + "/events"), other.token()))
                    .andExpect(status().isForbidden());
            http.perform(get("/api/accounts/me/events")).andExpect(status().isUnauthorized())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(as(get("/api/accounts/me/events"), anonymous())).andExpect(status().isUnauthorized());
            http.perform(as(get("/api/accounts/" + UUID.randomUUID() + "/events"), admin()))
                    .andExpect(status().isNotFound()).andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(as(get("/api/accounts/not-an-id/events"), admin())).andExpect(status().isNotFound());
            http.perform(as(get("/api/accounts/me/events?limit=0"), customer.token()))
                    .andExpect(status().isBadRequest());
            // the credentials (the password's hash) are a stream of their own, never in this log
            assertThat(mine.toString()).doesNotContain(customer.password());
        }
    }

    @Nested
    class Credentials {

        @Test
        void the_right_password_logs_in() throws Exception {
            Customer customer = register();
            http.perform(jsonBody(post("/internal/credentials/verify"), edge(), json(java.util.Map.of(
                            "email", " " + customer.email().toUpperCase(), "password", customer.password()))))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.accountId").value(customer.id()))
                    // sealed for the account (docs/privacy.md): edge keeps them so in its session and tokens
                    .andExpect(jsonPath("$.email").value(org.hamcrest.Matchers.startsWith("pd1:" + customer.id() + ":")))
                    .andExpect(jsonPath("$.name").value(org.hamcrest.Matchers.startsWith("pd1:" + customer.id() + ":")))
                    .andExpect(jsonPath("$.role").value("CUSTOMER"))
                    .andExpect(jsonPath("$.status").value("PENDING"))
                    .andExpect(jsonPath("$.accountVersion").value(0))
                    .andExpect(jsonPath("$.passwordHash").doesNotExist());
        }

        @Test
        void a_wrong_password_and_an_unknown_address_get_the_same_401() throws Exception {
            Customer customer = register();
            String wrong = http.perform(jsonBody(post("/internal/credentials/verify"), edge(), json(java.util.Map.of(
                            "email", customer.email(), "password", "not the password"))))
                    .andExpect(status().isUnauthorized())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/invalid-credentials"))
                    .andReturn().getResponse().getContentAsString();
            String unknown = http.perform(jsonBody(post("/internal/credentials/verify"), edge(), json(java.util.Map.of(
                            "email", newEmail(), "password", "not the password"))))
                    .andExpect(status().isUnauthorized())
                    .andReturn().getResponse().getContentAsString();
            assertThat(JSON.readTree(unknown)).isEqualTo(JSON.readTree(wrong));
            http.perform(jsonBody(post("/internal/credentials/verify"), edge(), json(java.util.Map.of(
                            "email", "not an address", "password", "not the password"))))
                    .andExpect(status().isUnauthorized());
        }

        @Test
        void a_suspended_account_is_403() throws Exception {
            Customer customer = active();
            http.perform(as(post("/api/accounts/" + customer.id() + "/suspend"), admin()))
                    .andExpect(status().isNoContent());
            verify(customer).andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/account-suspended"));
            http.perform(jsonBody(post("/internal/credentials/verify"), edge(), json(java.util.Map.of(
                            "email", customer.email(), "password", "not the password"))))
                    .andExpect(status().isUnauthorized());
        }
    }

    @Nested
    class Description {

        @Test
        void theOpenApiDescription_needsNoToken_andNamesTheServiceItsPublicEndpointsAndTheEdgeToken() throws Exception {
            // when
            String body = http.perform(get("/v3/api-docs"))
                    .andExpect(status().isOk())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andReturn().getResponse().getContentAsString();

            // then
            JsonNode description = JSON.readTree(body);
            assertThat(description.at("/info/title").asString()).isEqualTo("eventshop accounts");
            assertThat(description.at("/info/version").asString()).isNotBlank();
            assertThat(description.at("/components/securitySchemes/edgeToken/scheme").asString()).isEqualTo("bearer");
            assertThat(description.path("paths").propertyNames()).contains("/api/accounts", "/api/accounts/me",
                            "/api/accounts/me/confirm", "/api/accounts/{accountId}/suspend")
                    .allMatch(path -> path.startsWith("/api/"));
            JsonNode register = description.at("/paths/~1api~1accounts/post");
            assertThat(register.at("/requestBody/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/RegisterRequest");
            assertThat(register.at("/responses/201/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/RegisterResponse");
            assertThat(description.at("/paths/~1api~1accounts~1{accountId}~1suspend/post/responses").has("403"))
                    .isTrue();
        }
    }
}
