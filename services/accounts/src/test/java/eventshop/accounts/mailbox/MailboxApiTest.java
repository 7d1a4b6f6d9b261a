package eventshop.accounts.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.accounts.Accounts;
import eventshop.accounts.AccountsTest;
import eventshop.accounts.Commands;
import eventshop.accounts.domain.Account;
import eventshop.accounts.registration.Registrations;
import eventshop.accounts.registration.Registrations.Registration;
import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.ActivateAccount;
import eventshop.contracts.accounts.AccountCommand.DeliverMessage;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.accounts.AccountCommand.NotifyAdmins;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/accounts/me/messages}, and the lifecycle the functions drive, through HTTP. */
@AccountsTest
class MailboxApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc http;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    Accounts accounts;
    @Autowired
    Registrations registrations;
    @Autowired
    @Qualifier("accountCommands")
    Consumer<Message<byte[]>> accountCommands;

    record Someone(String id, String email, String bearer) {
    }

    Someone registered(String role) {
        String email = "mail-" + UUID.randomUUID() + "@example.com";
        String id = registrations.register(new Registration(email, "Someone", "a-password-1", role), "test")
                .accountId();
        EdgeUser user = EdgeToken.ADMIN.equals(role) ? EdgeUser.admin(id, email) : EdgeUser.customer(id, email);
        return new Someone(id, email, "Bearer " + tokens.mint(user));
    }

    /** Sends {@code command} as the functions would; answers a token as of the log head after it. */
    String send(AccountCommand command) {
        accountCommands.accept(Commands.message(UUID.randomUUID(), command));
        return new ConsistencyToken("accounts", store.headPosition()).toString();
    }

    MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String bearer) {
        return request.header(HttpHeaders.AUTHORIZATION, bearer);
    }

    JsonNode messages(Someone who, String query, String consistencyToken) throws Exception {
        MockHttpServletRequestBuilder request = as(get("/api/accounts/me/messages" + query), who.bearer());
        if (consistencyToken != null) {
            request.header(ConsistencyToken.HEADER, consistencyToken);
        }
        return JSON.readTree(http.perform(request).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    @Test
    void a_customer_reads_their_own_mailbox_newest_first() throws Exception {
        Someone ada = registered(EdgeToken.CUSTOMER);
        send(new DeliverMessage(ada.id(), "m-1", MessageKind.CONFIRMATION, "Confirm your account",
                "Your code is 123456", "123456"));
        String token = send(new DeliverMessage(ada.id(), "m-2", MessageKind.ORDER_CONFIRMED, "Order confirmed",
                "Thanks", ""));

        JsonNode messages = messages(ada, "", token);

        assertThat(messages.isArray()).isTrue();
        assertThat(messages).hasSize(2);
        JsonNode newest = messages.get(0);
        assertThat(newest.get("id").asString()).isEqualTo("m-2");
        assertThat(newest.get("kind").asString()).isEqualTo("ORDER_CONFIRMED");
        assertThat(newest.get("subject").asString()).isEqualTo("Order confirmed");
        assertThat(newest.get("body").asString()).isEqualTo("Thanks");
        assertThat(newest.get("code").isNull()).isTrue();
        assertThat(newest.get("at").asString()).isNotBlank();
        assertThat(messages.get(1).get("id").asString()).isEqualTo("m-1");
        assertThat(messages.get(1).get("code").asString()).isEqualTo("123456");
        List<String> fields = new ArrayList<>(newest.propertyNames());
        assertThat(fields).containsExactlyInAnyOrder("id", "kind", "subject", "body", "code", "at");
    }

    @Test
    void pages_of_the_mailbox() throws Exception {
        Someone bob = registered(EdgeToken.CUSTOMER);
        String token = null;
        for (int i = 1; i <= 5; i++) {
            token = send(new DeliverMessage(bob.id(), "m-" + i, MessageKind.ORDER_SHIPPED, "Shipped " + i, "b", ""));
        }
        assertThat(messages(bob, "?page=0&size=2", token)).extracting(m -> m.get("id").asString())
                .containsExactly("m-5", "m-4");
        assertThat(messages(bob, "?page=2&size=2", token)).extracting(m -> m.get("id").asString())
                .containsExactly("m-1");
        assertThat(messages(bob, "?page=3&size=2", token)).isEmpty();
        for (String bad : List.of("?size=0", "?size=101", "?page=-1", "?page=x")) {
            http.perform(as(get("/api/accounts/me/messages" + bad), bob.bearer()))
                    .andExpect(status().isBadRequest());
        }
    }

    @Test
    void nobody_reads_another_ones_mailbox() throws Exception {
        Someone ada = registered(EdgeToken.CUSTOMER);
        Someone eve = registered(EdgeToken.CUSTOMER);
        String token = send(new DeliverMessage(ada.id(), "secret", MessageKind.CONFIRMATION, "Confirm", "code",
                "654321"));

        assertThat(messages(eve, "", token)).isEmpty();
        assertThat(messages(ada, "", token)).hasSize(1);
    }

    @Test
    void without_a_token_401_and_anonymous_401() throws Exception {
        http.perform(get("/api/accounts/me/messages")).andExpect(status().isUnauthorized());
        http.perform(as(get("/api/accounts/me/messages"), "Bearer " + tokens.mint(EdgeUser.ANONYMOUS)))
                .andExpect(status().isUnauthorized());
        http.perform(as(get("/api/accounts/me/messages"), "Bearer not-a-token")).andExpect(status().isUnauthorized());
    }

    @Test
    void an_administrator_reads_their_alerts_the_same_way() throws Exception {
        Someone admin = registered(EdgeToken.ADMIN);
        String token = send(new NotifyAdmins("low-" + UUID.randomUUID(), MessageKind.LOW_STOCK, "Low stock: SKU-1",
                "4 left"));

        JsonNode messages = messages(admin, "", token);

        assertThat(messages).extracting(m -> m.get("kind").asString()).containsExactly("LOW_STOCK");
        assertThat(messages.get(0).get("subject").asString()).isEqualTo("Low stock: SKU-1");
    }

    @Test
    void registering_and_confirming_alone_leave_the_account_confirmed_not_active_and_able_to_log_in()
            throws Exception {
        // given
        Someone carol = registered(EdgeToken.CUSTOMER);
        String code = accounts.registration(carol.id()).orElseThrow().confirmationCode();

        // when
        String token = http.perform(as(post("/api/accounts/me/confirm"), carol.bearer())
                        .contentType(MediaType.APPLICATION_JSON).content(JSON.writeValueAsString(Map.of("code", code))))
                .andExpect(status().isNoContent()).andReturn().getResponse().getHeader(ConsistencyToken.HEADER);

        // then: confirmed, shown PENDING, may log in
        assertThat(accounts.state(carol.id())).isInstanceOf(Account.Confirmed.class);
        assertThat(store.read(Account.streamId(carol.id()), 0).map(e -> e.type()).collectList().block())
                .containsExactly("AccountRegistered", "AccountConfirmed");
        http.perform(as(get("/api/accounts/me"), carol.bearer()).header(ConsistencyToken.HEADER, token))
                .andExpect(status().isOk()).andExpect(jsonPath("$.status").value("PENDING"));
        http.perform(as(post("/internal/credentials/verify"), "Bearer " + tokens.mint(
                                new EdgeUser("edge", "", java.util.Set.of(EdgeToken.EDGE))))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsString(Map.of("email", carol.email(), "password", "a-password-1"))))
                .andExpect(status().isOk()).andExpect(jsonPath("$.status").value("PENDING"));

        // and when the function activates it
        String activated = send(new ActivateAccount(carol.id()));
        http.perform(as(get("/api/accounts/me"), carol.bearer()).header(ConsistencyToken.HEADER, activated))
                .andExpect(status().isOk()).andExpect(jsonPath("$.status").value("ACTIVE"));
    }
}
