package eventshop.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;

/** Bad input gets a 4xx problem, never a 500, and stores nothing. */
@AccountsTest
class ValidationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc http;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;

    String customer;
    long head;

    @BeforeEach
    void someCustomer() throws Exception {
        String email = "validation-" + UUID.randomUUID() + "@example.com";
        String body = http.perform(post("/api/accounts").header(HttpHeaders.AUTHORIZATION, anonymous())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsString(Map.of("email", email, "name", "V", "password", "validation-password"))))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        String id = JSON.readTree(body).get("accountId").asString();
        customer = "Bearer " + tokens.mint(EdgeUser.customer(id, email));
        head = store.headPosition();
    }

    String anonymous() {
        return "Bearer " + tokens.mint(EdgeUser.ANONYMOUS);
    }

    ResultActions send(MockHttpServletRequestBuilder request, String bearer, String body) throws Exception {
        return http.perform(request.header(HttpHeaders.AUTHORIZATION, bearer).contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }

    /** The request was refused with {@code status} as a problem, and nothing was stored. */
    void refused(ResultActions result, int status) throws Exception {
        result.andExpect(status().is(status)).andExpect(content().contentTypeCompatibleWith(
                MediaType.APPLICATION_PROBLEM_JSON));
        assertThat(store.headPosition()).as("nothing stored").isEqualTo(head);
    }

    static String register(String email, Object name, Object password) {
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("email", email);
        body.put("name", name);
        body.put("password", password);
        return JSON.writeValueAsString(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "not json", "{\"email\": \"a@example.com\", \"name\": ", "[]", "\"text\"", ""})
    void malformed_json_is_400(String body) throws Exception {
        refused(send(post("/api/accounts"), anonymous(), body), 400);
    }

    @Test
    void wrong_types_are_400() throws Exception {
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com", 42,
                "password1")), 400);
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com",
                Map.of("first", "Ada"), "password1")), 400);
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com", "Ada",
                12345678)), 400);
        String card = "{\"cardToken\":%s}";
        refused(send(post("/api/accounts/me/cards"), customer, card.formatted("12")), 400);
        refused(send(post("/api/accounts/me/cards"), customer, card.formatted("1.5")), 400);
        refused(send(post("/api/accounts/me/cards"), customer, card.formatted("true")), 400);
        refused(send(post("/api/accounts/me/cards"), customer, card.formatted("null")), 400);
        refused(send(post("/api/accounts/me/cards"), customer, card.formatted("{\"a\":1}")), 400);
    }

    @Test
    void missing_fields_are_400() throws Exception {
        refused(send(post("/api/accounts"), anonymous(), "{\"email\":\"a@example.com\",\"name\":\"Ada\"}"), 400);
        refused(send(post("/api/accounts"), anonymous(), "{}"), 400);
        refused(send(post("/api/accounts/me/confirm"), customer, "{}"), 400);
        refused(send(put("/api/accounts/me/address"), customer, "{\"name\":\"Ada\",\"line1\":\"1 Road\"}"), 400);
    }

    @Test
    void strings_over_their_limits_are_400() throws Exception {
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com",
                "n".repeat(201), "password1")), 400);
        refused(send(post("/api/accounts"), anonymous(), register("a".repeat(250) + "@example.com", "Ada",
                "password1")), 400);
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com", "Ada",
                "p".repeat(129))), 400);
        refused(send(put("/api/accounts/me/address"), customer, JSON.writeValueAsString(Map.of("name", "Ada",
                "line1", "1 Road", "city", "London", "postalCode", "1".repeat(21), "country", "GB"))), 400);
        refused(send(put("/api/accounts/me/address"), customer, JSON.writeValueAsString(Map.of("name", "Ada",
                "line1", "l".repeat(201), "city", "London", "postalCode", "N1", "country", "GB"))), 400);
        refused(send(post("/api/accounts/me/confirm"), customer, JSON.writeValueAsString(Map.of("code",
                "1".repeat(33)))), 400);
        refused(send(post("/api/accounts/me/cards"), customer, JSON.writeValueAsString(Map.of("cardToken",
                "t".repeat(65)))), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-address", "ada@", "@example.com", "ada@example", "ada lovelace@example.com"})
    void a_malformed_email_is_refused(String email) throws Exception {
        ResultActions result = send(post("/api/accounts"), anonymous(), register(email, "Ada", "password1"));
        result.andExpect(status().is4xxClientError());
        refused(result, result.andReturn().getResponse().getStatus());
    }

    @Test
    void a_short_password_is_400() throws Exception {
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com", "Ada",
                "1234567")), 400);
    }

    @Test
    void a_blank_name_is_400() throws Exception {
        refused(send(post("/api/accounts"), anonymous(), register("a-" + UUID.randomUUID() + "@example.com", "  ",
                "password1")), 400);
    }

    @Test
    void an_oversized_body_is_413() throws Exception {
        String huge = register("a-" + UUID.randomUUID() + "@example.com", "n".repeat(70 * 1024), "password1");
        refused(send(post("/api/accounts"), anonymous(), huge), 413);
        http.perform(post("/api/accounts").header(HttpHeaders.AUTHORIZATION, anonymous())
                        .contentType(MediaType.APPLICATION_JSON).content(huge))
                .andExpect(jsonPath("$.type").value("/problems/payload-too-large"));
    }

    @Test
    void a_malformed_consistency_token_is_400() throws Exception {
        refused(http.perform(get("/api/accounts/me").header(HttpHeaders.AUTHORIZATION, customer)
                .header(ConsistencyToken.HEADER, "catalog:12")), 400);
        refused(http.perform(get("/api/accounts/me").header(HttpHeaders.AUTHORIZATION, customer)
                .header(ConsistencyToken.HEADER, "garbage")), 400);
    }

    @Test
    void a_wrong_media_type_is_415() throws Exception {
        refused(http.perform(post("/api/accounts").header(HttpHeaders.AUTHORIZATION, anonymous())
                .contentType(MediaType.TEXT_PLAIN).content("email=a@example.com")), 415);
    }
}
