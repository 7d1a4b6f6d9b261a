package eventshop.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.privacy.JdbcSubjectKeys;
import eventshop.eventsourcing.privacy.Sealing;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Personal data sealed where it enters accounts, opened where it is shown, and shredded by "forget me" (docs/privacy.md):
 * the HTTP paths, and the keys endpoint only services may call.
 */
@AccountsTest
class ForgettingApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc http;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JdbcSubjectKeys keys;

    record Customer(String id, String email, String name, String password, String token) {
    }

    String bearer(EdgeUser user) {
        return "Bearer " + tokens.mint(user);
    }

    String admin() {
        return bearer(EdgeUser.admin(UUID.randomUUID().toString(), AccountsTest.ADMIN_EMAIL));
    }

    String service() {
        return bearer(new EdgeUser("service:carts", "", Set.of(EdgeToken.SERVICE)));
    }

    MockHttpServletRequestBuilder json(MockHttpServletRequestBuilder request, String bearer, Object body) {
        return request.header(HttpHeaders.AUTHORIZATION, bearer).contentType(MediaType.APPLICATION_JSON)
                .content(JSON.writeValueAsString(body));
    }

    Customer register() throws Exception {
        String unique = UUID.randomUUID().toString();
        String email = "forget-" + unique + "@example.com";
        String name = "Name-" + unique;
        String password = "pw-" + unique;
        MvcResult result = http.perform(json(post("/api/accounts"), bearer(EdgeUser.ANONYMOUS),
                        Map.of("email", email, "name", name, "password", password)))
                .andExpect(status().isCreated()).andReturn();
        String id = JSON.readTree(result.getResponse().getContentAsString()).get("accountId").asString();
        return new Customer(id, email, name, password, bearer(EdgeUser.customer(id, email)));
    }

    JsonNode me(Customer customer) throws Exception {
        String head = new ConsistencyToken("accounts", store.headPosition()).toString();
        return JSON.readTree(http.perform(get("/api/accounts/me").header(HttpHeaders.AUTHORIZATION, customer.token())
                .header(ConsistencyToken.HEADER, head)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    String storedBytes() {
        StringBuilder all = new StringBuilder();
        for (RecordedEvent event : store.readAll(0, 1_000_000).collectList().block()) {
            all.append(event.streamId()).append(' ').append(new String(event.data(), StandardCharsets.UTF_8)).append('\n');
        }
        for (String table : List.of("accounts", "credentials")) {
            jdbc.queryForList("SELECT table_name FROM information_schema.tables WHERE LOWER(table_name) LIKE ?",
                    String.class, table + "%").forEach(name -> jdbc.queryForList("SELECT * FROM " + name)
                    .forEach(row -> all.append(row).append('\n')));
        }
        return all.toString();
    }

    void changeAddress(Customer customer, String line1) throws Exception {
        http.perform(json(put("/api/accounts/me/address"), customer.token(), Map.of("name", customer.name(),
                "line1", line1, "line2", "", "city", "Oxford", "postalCode", "OX1 1AA", "country", "GB")))
                .andExpect(status().isNoContent());
    }

    @Nested
    class Sealing_ {

        @Test
        void theEmailNameAndAddress_areStoredOnlySealed_andShownOpened() throws Exception {
            Customer customer = register();
            String line1 = "Line-" + UUID.randomUUID();
            changeAddress(customer, line1);

            JsonNode me = me(customer);

            assertThat(me.get("email").asString()).isEqualTo(customer.email());
            assertThat(me.get("name").asString()).isEqualTo(customer.name());
            assertThat(me.at("/addresses/0/line1").asString()).isEqualTo(line1);
            String stored = storedBytes();
            assertThat(stored).contains(customer.id()).doesNotContain(customer.email()).doesNotContain(customer.name())
                    .doesNotContain(line1).contains(Sealing.PREFIX + customer.id() + ":");
        }

        @Test
        void theLogin_findsTheAccountByItsBlindIndex_andAnswersTheEmailSealed() throws Exception {
            Customer customer = register();
            String edge = bearer(new EdgeUser("edge", "", Set.of(EdgeToken.EDGE)));

            JsonNode verified = JSON.readTree(http.perform(json(post("/internal/credentials/verify"), edge,
                            Map.of("email", customer.email().toUpperCase(), "password", customer.password())))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());

            assertThat(verified.get("accountId").asString()).isEqualTo(customer.id());
            assertThat(verified.get("email").asString()).startsWith(Sealing.PREFIX + customer.id() + ":");
        }
    }

    @Nested
    class ForgetMe {

        @Test
        void withThePassword_theAccountIsForgotten_everywhere() throws Exception {
            Customer customer = register();
            changeAddress(customer, "Line-" + UUID.randomUUID());

            http.perform(json(delete("/api/accounts/me"), customer.token(), Map.of("password", customer.password())))
                    .andExpect(status().isNoContent());

            JsonNode me = me(customer);
            assertThat(me.get("email").asString()).isEqualTo(Sealing.ERASED);
            assertThat(me.get("name").asString()).isEqualTo(Sealing.ERASED);
            assertThat(me.get("status").asString()).isEqualTo("ARCHIVED");
            assertThat(me.get("addresses")).isEmpty();
            assertThat(keys.find(customer.id())).isEmpty();
            assertThat(store.read("account-" + customer.id(), 0).map(RecordedEvent::type).collectList().block())
                    .endsWith("AccountForgotten");
            // cannot log in; the address registers again, as a new account
            String edge = bearer(new EdgeUser("edge", "", Set.of(EdgeToken.EDGE)));
            http.perform(json(post("/internal/credentials/verify"), edge,
                    Map.of("email", customer.email(), "password", customer.password())))
                    .andExpect(status().isUnauthorized());
            MvcResult again = http.perform(json(post("/api/accounts"), bearer(EdgeUser.ANONYMOUS),
                            Map.of("email", customer.email(), "name", "Again", "password", "pw-again-123")))
                    .andExpect(status().isCreated()).andReturn();
            assertThat(JSON.readTree(again.getResponse().getContentAsString()).get("accountId").asString())
                    .isNotEqualTo(customer.id());
        }

        @Test
        void aWrongPassword_is422_andForgetsNothing() throws Exception {
            Customer customer = register();

            http.perform(json(delete("/api/accounts/me"), customer.token(), Map.of("password", "not-the-password")))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/wrong-password"));

            assertThat(me(customer).get("email").asString()).isEqualTo(customer.email());
            assertThat(keys.find(customer.id())).isPresent();
        }

        @Test
        void noPasswordOrNoToken_isRefused() throws Exception {
            Customer customer = register();

            http.perform(json(delete("/api/accounts/me"), customer.token(), Map.of()))
                    .andExpect(status().isBadRequest());
            http.perform(delete("/api/accounts/me").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"password\":\"" + customer.password() + "\"}")).andExpect(status().isUnauthorized());
            assertThat(keys.find(customer.id())).isPresent();
        }

        @Test
        void anotherCustomersPassword_forgetsNobody() throws Exception {
            Customer alice = register();
            Customer bob = register();

            http.perform(json(delete("/api/accounts/me"), alice.token(), Map.of("password", bob.password())))
                    .andExpect(status().isUnprocessableContent());

            assertThat(keys.find(alice.id())).isPresent();
            assertThat(keys.find(bob.id())).isPresent();
        }

        @Test
        void twice_isHarmless() throws Exception {
            Customer customer = register();
            http.perform(json(delete("/api/accounts/me"), customer.token(), Map.of("password", customer.password())))
                    .andExpect(status().isNoContent());

            http.perform(post("/api/accounts/{id}/forget", customer.id()).header(HttpHeaders.AUTHORIZATION, admin()))
                    .andExpect(status().isNoContent());

            assertThat(store.read("account-" + customer.id(), 0).map(RecordedEvent::type)
                    .filter("AccountForgotten"::equals).count().block()).isEqualTo(1);
        }
    }

    @Nested
    class TheAdministratorsCommand {

        @Test
        void forgetsAnAccount_andTheListShowsItErased() throws Exception {
            Customer customer = register();

            http.perform(post("/api/accounts/{id}/forget", customer.id()).header(HttpHeaders.AUTHORIZATION, admin()))
                    .andExpect(status().isNoContent());

            String head = new ConsistencyToken("accounts", store.headPosition()).toString();
            http.perform(get("/api/accounts/{id}", customer.id()).header(HttpHeaders.AUTHORIZATION, admin())
                            .header(ConsistencyToken.HEADER, head))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.email").value(Sealing.ERASED))
                    .andExpect(jsonPath("$.status").value("ARCHIVED"));
        }

        @Test
        void isForAdministratorsOnly_andNeedsAnAccount() throws Exception {
            Customer customer = register();
            Customer other = register();

            http.perform(post("/api/accounts/{id}/forget", other.id()).header(HttpHeaders.AUTHORIZATION, customer.token()))
                    .andExpect(status().isForbidden());
            http.perform(post("/api/accounts/{id}/forget", UUID.randomUUID()).header(HttpHeaders.AUTHORIZATION, admin()))
                    .andExpect(status().isNotFound());
            http.perform(post("/api/accounts/{id}/forget", "not-an-id").header(HttpHeaders.AUTHORIZATION, admin()))
                    .andExpect(status().isNotFound());
            assertThat(keys.find(other.id())).isPresent();
        }
    }

    @Nested
    class TheKeysEndpoint {

        @Test
        void answersAServiceOnly() throws Exception {
            Customer customer = register();
            String path = "/internal/privacy/keys/" + customer.id() + "?create=false";

            http.perform(get(path).header(HttpHeaders.AUTHORIZATION, service())).andExpect(status().isOk())
                    .andExpect(jsonPath("$.subject").value(customer.id()))
                    .andExpect(jsonPath("$.key").isString());
            http.perform(get(path).header(HttpHeaders.AUTHORIZATION, customer.token())).andExpect(status().isForbidden());
            http.perform(get(path).header(HttpHeaders.AUTHORIZATION, admin())).andExpect(status().isForbidden());
            http.perform(get(path)).andExpect(status().isUnauthorized());
        }

        @Test
        void aForgottenSubject_isGone_andGetsNoNewKey() throws Exception {
            Customer customer = register();
            http.perform(post("/api/accounts/{id}/forget", customer.id()).header(HttpHeaders.AUTHORIZATION, admin()))
                    .andExpect(status().isNoContent());

            http.perform(get("/internal/privacy/keys/" + customer.id() + "?create=true")
                    .header(HttpHeaders.AUTHORIZATION, service())).andExpect(status().isGone());
            http.perform(get("/internal/privacy/keys/" + UUID.randomUUID() + "?create=false")
                    .header(HttpHeaders.AUTHORIZATION, service())).andExpect(status().isNotFound());
        }
    }
}
