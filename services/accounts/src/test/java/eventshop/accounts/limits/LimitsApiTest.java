package eventshop.accounts.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import eventshop.accounts.Accounts;
import eventshop.accounts.AccountsTest;
import eventshop.accounts.domain.ConfirmationCode;
import eventshop.accounts.domain.EmailAddress;
import eventshop.accounts.limits.domain.LoginFailures;
import eventshop.accounts.privacy.EmailIndex;
import eventshop.edgetoken.EdgeToken;
import eventshop.edgetoken.TokenKeys;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.testing.TestClock;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The limits on guessing and registering, through HTTP as edge and web call accounts: tokens name the client's
 * address ({@link EdgeToken#CLIENT_ADDRESS}) as edge's do. Each test uses addresses of its own (e-mail and client),
 * so the tests do not count against one another; time passes by the shared context's clock ({@code MovingClock}).
 */
@AccountsTest
class LimitsApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SECRET = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";

    @Autowired
    MockMvc http;
    @Autowired
    TestClock clock;
    @Autowired
    EventStore store;
    @Autowired
    Accounts accounts;
    @Autowired
    EmailIndex emailIndex;

    /** The key's id as edge names it in a token's header ({@code kid}): the services verify only the key it names. */
    static final String KEY_ID = TokenKeys.keyId(Base64.getDecoder().decode(SECRET));

    final JwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(new OctetSequenceKey.Builder(
            Base64.getDecoder().decode(SECRET)).keyID(KEY_ID).algorithm(JWSAlgorithm.HS256).build())));

    // ------------------------------------------------------------------ helpers

    /** A services token as edge mints it: for {@code subject} with {@code roles}, from {@code client} (null: none). */
    String bearer(String subject, String email, List<String> roles, @Nullable String client) {
        Instant now = clock.instant();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().issuer(EdgeToken.ISSUER)
                .audience(List.of(EdgeToken.SERVICES_AUDIENCE)).subject(subject).issuedAt(now)
                .expiresAt(now.plusSeconds(60)).claim(EdgeToken.EMAIL, email).claim(EdgeToken.ROLES, roles);
        if (client != null) {
            claims.claim(EdgeToken.CLIENT_ADDRESS, client);
        }
        return "Bearer " + encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).keyId(KEY_ID).build(),
                claims.build())).getTokenValue();
    }

    String edge(String client) {
        return bearer("edge", "", List.of(EdgeToken.EDGE), client);
    }

    String anonymous(@Nullable String client) {
        return bearer(EdgeToken.ANONYMOUS, "", List.of(), client);
    }

    String admin() {
        return bearer(UUID.randomUUID().toString(), AccountsTest.ADMIN_EMAIL, List.of(EdgeToken.ADMIN), "192.0.2.250");
    }

    String customer(Customer customer) {
        return bearer(customer.id(), customer.email(), List.of(EdgeToken.CUSTOMER), "192.0.2.251");
    }

    /** An address of a test's own in 10.0.0.0/8 (IPv4) */
    static String newClient() {
        UUID random = UUID.randomUUID();
        return "10." + (random.hashCode() & 0xff) + "." + ((random.hashCode() >> 8) & 0xff) + "."
                + ((random.hashCode() >> 16) & 0xff);
    }

    static String newEmail() {
        return "limits-" + UUID.randomUUID() + "@example.com";
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    ResultActions send(MockHttpServletRequestBuilder request, String bearer, @Nullable Object body) throws Exception {
        request.header(HttpHeaders.AUTHORIZATION, bearer);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).content(json(body));
        }
        return http.perform(request);
    }

    record Customer(String id, String email, String password) {
    }

    Customer register(String client) throws Exception {
        String email = newEmail();
        String password = "password-" + UUID.randomUUID();
        MvcResult result = send(post("/api/accounts"), anonymous(client),
                Map.of("email", email, "name", "Limited", "password", password))
                .andExpect(status().isCreated()).andReturn();
        return new Customer(JSON.readTree(result.getResponse().getContentAsString()).get("accountId").asString(),
                email, password);
    }

    ResultActions login(String email, String password, String client) throws Exception {
        return send(post("/internal/credentials/verify"), edge(client), Map.of("email", email, "password", password));
    }

    ResultActions confirm(Customer customer, String code) throws Exception {
        return send(post("/api/accounts/me/confirm"), customer(customer), Map.of("code", code));
    }

    /** The code the account was registered with (the account-lifecycle function mails it; it does not run here). */
    String registeredCode(Customer customer) {
        return accounts.registration(customer.id()).orElseThrow().confirmationCode();
    }

    /** The newest confirmation code in the customer's mailbox, as of {@code consistencyToken}. */
    String newestCode(Customer customer, @Nullable String consistencyToken) throws Exception {
        MockHttpServletRequestBuilder request = get("/api/accounts/me/messages");
        if (consistencyToken != null) {
            request.header(ConsistencyToken.HEADER, consistencyToken);
        }
        JsonNode messages = JSON.readTree(send(request, customer(customer), null).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString());
        return messages.get(0).get("code").asString();
    }

    /**
     * A 429 problem of {@code type} whose {@code Retry-After} is what was left of a wait of {@code fullWait} seconds
     * (the wait began with the request before; up to 10 s of that may have passed on a slow machine).
     */
    static void is429(ResultActions answer, String type, long fullWait) throws Exception {
        MvcResult result = answer.andExpect(status().isTooManyRequests())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/" + type))
                .andExpect(jsonPath("$.status").value(429))
                .andReturn();
        String retryAfter = result.getResponse().getHeader(HttpHeaders.RETRY_AFTER);
        assertThat(retryAfter).as("Retry-After").matches("[0-9]+");
        assertThat(Long.parseLong(retryAfter)).as("Retry-After").isBetween(fullWait - 10, fullWait);
    }

    // ------------------------------------------------------------------ logins

    @Nested
    class Logins {

        @Test
        void after_five_failures_logins_are_refused_unchecked_with_a_retry_after_that_doubles() throws Exception {
            // given
            String client = newClient();
            Customer customer = register(client);
            for (int i = 1; i <= 5; i++) {
                login(customer.email(), "wrong-" + i, client).andExpect(status().isUnauthorized())
                        .andExpect(jsonPath("$.type").value("/problems/invalid-credentials"));
            }
            // when the right password comes while blocked
            is429(login(customer.email(), customer.password(), client), "too-many-login-attempts", 30);
            // and from another address as well: the e-mail address is blocked, wherever the guesses come from
            is429(login(customer.email(), customer.password(), newClient()), "too-many-login-attempts", 30);

            // then, once the block is over, one more failure blocks twice as long
            clock.advance(Duration.ofSeconds(31));
            login(customer.email(), "wrong-6", client).andExpect(status().isUnauthorized());
            is429(login(customer.email(), customer.password(), client), "too-many-login-attempts", 60);
            clock.advance(Duration.ofSeconds(61));
            login(customer.email(), "wrong-7", client).andExpect(status().isUnauthorized());
            is429(login(customer.email(), customer.password(), client), "too-many-login-attempts", 120);
        }

        @Test
        void an_unknown_address_is_limited_the_same_so_the_limit_tells_no_one_which_addresses_exist() throws Exception {
            String client = newClient();
            String unknown = newEmail();
            for (int i = 1; i <= 5; i++) {
                login(unknown, "wrong-" + i, client).andExpect(status().isUnauthorized());
            }
            is429(login(unknown, "wrong-6", client), "too-many-login-attempts", 30);
        }

        @Test
        void a_successful_login_clears_the_failures() throws Exception {
            String client = newClient();
            Customer customer = register(client);
            for (int i = 1; i <= 4; i++) {
                login(customer.email(), "wrong-" + i, client).andExpect(status().isUnauthorized());
            }
            login(customer.email(), customer.password(), client).andExpect(status().isOk());
            send(get("/api/accounts/" + customer.id() + "/login-failures"), admin(), null)
                    .andExpect(status().isOk()).andExpect(jsonPath("$.failures").value(0));
            for (int i = 1; i <= 4; i++) {
                login(customer.email(), "wrong-again-" + i, client).andExpect(status().isUnauthorized());
            }
            login(customer.email(), customer.password(), client).andExpect(status().isOk());
        }

        @Test
        void the_administrator_sees_the_failures_with_their_client_addresses_and_clears_them() throws Exception {
            // given a blocked account
            String client = newClient();
            Customer customer = register(client);
            for (int i = 1; i <= 5; i++) {
                login(customer.email(), "wrong-" + i, client).andExpect(status().isUnauthorized());
            }
            // when the administrator looks
            send(get("/api/accounts/" + customer.id() + "/login-failures"), admin(), null)
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.failures").value(5))
                    .andExpect(jsonPath("$.retryAfterSeconds").value(org.hamcrest.Matchers.both(
                            org.hamcrest.Matchers.greaterThanOrEqualTo(20)).and(org.hamcrest.Matchers.lessThanOrEqualTo(30))))
                    .andExpect(jsonPath("$.blockedUntil").isNotEmpty())
                    .andExpect(jsonPath("$.recent.length()").value(5))
                    .andExpect(jsonPath("$.recent[0].failures").value(5))
                    .andExpect(jsonPath("$.recent[0].clientAddress").value(client));
            // a customer may not
            send(get("/api/accounts/" + customer.id() + "/login-failures"),
                    bearer(customer.id(), customer.email(), List.of(EdgeToken.CUSTOMER), client), null)
                    .andExpect(status().isForbidden());
            send(delete("/api/accounts/" + customer.id() + "/login-failures"),
                    bearer(customer.id(), customer.email(), List.of(EdgeToken.CUSTOMER), client), null)
                    .andExpect(status().isForbidden());

            // when the administrator clears them
            send(delete("/api/accounts/" + customer.id() + "/login-failures"), admin(), null)
                    .andExpect(status().isNoContent());

            // then the customer logs in at once, and the clearing is on the record, by whom
            login(customer.email(), customer.password(), client).andExpect(status().isOk());
            List<RecordedEvent> events = store.read(LoginFailures.emailStreamId(
                    emailIndex.of(EmailAddress.parse(customer.email()))), 0).collectList().block();
            assertThat(events).extracting(RecordedEvent::type)
                    .containsExactly("LoginFailed", "LoginFailed", "LoginFailed", "LoginFailed", "LoginFailed",
                            "LoginFailuresCleared");
            assertThat(new String(events.getLast().data(), StandardCharsets.UTF_8)).contains("BY_ADMIN");
            send(get("/api/accounts/" + UUID.randomUUID() + "/login-failures"), admin(), null)
                    .andExpect(status().isNotFound());
        }

        @Test
        void failures_from_one_client_address_over_many_e_mail_addresses_block_that_address_only() throws Exception {
            String client = newClient();
            Customer customer = register(newClient());
            for (int i = 1; i <= 20; i++) {
                login(newEmail(), "wrong", client).andExpect(status().isUnauthorized());
            }
            is429(login(customer.email(), customer.password(), client), "too-many-login-attempts", 30);
            login(customer.email(), customer.password(), newClient()).andExpect(status().isOk());

            send(get("/api/accounts/login-failures/clients/" + client), admin(), null)
                    .andExpect(status().isOk()).andExpect(jsonPath("$.failures").value(20));
            send(delete("/api/accounts/login-failures/clients/" + client), admin(), null)
                    .andExpect(status().isNoContent());
            login(customer.email(), customer.password(), client).andExpect(status().isOk());
            send(get("/api/accounts/login-failures/clients/not-an-address"), admin(), null)
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.type").value("/problems/invalid-fields"));
        }

        @Test
        void concurrent_guesses_cannot_slip_past_the_limit() throws Exception {
            String client = newClient();
            Customer customer = register(client);
            List<Callable<Integer>> guesses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String guess = "guess-" + i;
                guesses.add(() -> login(customer.email(), guess, newClient()).andReturn().getResponse().getStatus());
            }
            List<Integer> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (Future<Integer> answer : pool.invokeAll(guesses)) {
                    statuses.add(answer.get());
                }
            }
            assertThat(statuses).filteredOn(s -> s == 401).hasSize(5);
            assertThat(statuses).filteredOn(s -> s == 429).hasSize(11);
        }
    }

    // ------------------------------------------------------------------ confirmation codes

    @Nested
    class ConfirmationCodes {

        @Test
        void five_wrong_codes_void_the_code_even_the_right_one_then_a_new_code_confirms() throws Exception {
            // given
            Customer customer = register(newClient());
            String code = registeredCode(customer);
            String wrong = code.equals("000000") ? "111111" : "000000";
            for (int i = 1; i <= 4; i++) {
                confirm(customer, wrong).andExpect(status().isUnprocessableContent())
                        .andExpect(jsonPath("$.type").value("/problems/wrong-confirmation-code"))
                        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(
                                (5 - i) + (5 - i == 1 ? " more try" : " more tries"))));
            }
            // when the fifth is wrong
            confirm(customer, wrong).andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/confirmation-code-void"));
            // then even the right code is refused
            confirm(customer, code).andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/confirmation-code-void"));

            // when a new code is asked for
            MvcResult asked = send(post("/api/accounts/me/confirmation-code"), customer(customer), null)
                    .andExpect(status().isAccepted()).andReturn();
            String newCode = newestCode(customer, asked.getResponse().getHeader(ConsistencyToken.HEADER));

            // then a second one so soon is 429, the old code no longer confirms and the new one does
            is429(send(post("/api/accounts/me/confirmation-code"), customer(customer), null), "too-many-code-requests", 60);
            if (!newCode.equals(code)) {
                confirm(customer, code).andExpect(status().isUnprocessableContent())
                        .andExpect(jsonPath("$.type").value("/problems/wrong-confirmation-code"));
            }
            confirm(customer, newCode).andExpect(status().isNoContent());
            send(post("/api/accounts/me/confirmation-code"), customer(customer), null)
                    .andExpect(status().isConflict());
        }

        @Test
        void concurrent_wrong_codes_are_counted_one_by_one() throws Exception {
            Customer customer = register(newClient());
            String code = registeredCode(customer);
            String wrong = code.equals("000000") ? "111111" : "000000";
            List<Callable<Integer>> tries = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                tries.add(() -> confirm(customer, wrong).andReturn().getResponse().getStatus());
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
                for (Future<Integer> answer : pool.invokeAll(tries)) {
                    assertThat(answer.get()).isIn(422, 409);
                }
            }
            List<RecordedEvent> events = store.read(ConfirmationCode.streamId(customer.id()), 0).collectList().block();
            assertThat(events).extracting(RecordedEvent::type).containsExactly("ConfirmationCodeRefused",
                    "ConfirmationCodeRefused", "ConfirmationCodeRefused", "ConfirmationCodeRefused",
                    "ConfirmationCodeRefused", "ConfirmationCodeVoided");
            confirm(customer, code).andExpect(jsonPath("$.type").value("/problems/confirmation-code-void"));
        }
    }

    // ------------------------------------------------------------------ registrations and passwords

    @Nested
    class Registrations {

        @Test
        void registrations_from_one_client_address_are_limited_but_not_from_others_or_by_an_administrator()
                throws Exception {
            String client = newClient();
            for (int i = 0; i < 20; i++) {
                register(client);
            }
            Map<String, String> one = Map.of("email", newEmail(), "name", "One Too Many",
                    "password", "password-" + UUID.randomUUID());
            is429(send(post("/api/accounts"), anonymous(client), one), "too-many-registrations", 3600);
            send(post("/api/accounts"), anonymous(newClient()), one).andExpect(status().isCreated());
            send(post("/api/accounts"), admin(), Map.of("email", newEmail(), "name", "By The Admin",
                    "password", "password-" + UUID.randomUUID())).andExpect(status().isCreated());
            send(post("/api/accounts"), anonymous(client), Map.of("email", newEmail(), "name", "Still Too Many",
                    "password", "password-" + UUID.randomUUID())).andExpect(status().isTooManyRequests());
        }

        @Test
        void a_common_password_is_422_and_a_short_one_400_and_neither_is_counted_or_stored() throws Exception {
            String client = newClient();
            String email = newEmail();
            send(post("/api/accounts"), anonymous(client), Map.of("email", email, "name", "Weak", "password", "Password123"))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/problems/common-password"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("most common")));
            send(post("/api/accounts"), anonymous(client), Map.of("email", email, "name", "Weak", "password", "qwertyuiop"))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("/problems/common-password"));
            send(post("/api/accounts"), anonymous(client), Map.of("email", email, "name", "Weak", "password", "seven77"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("/problems/invalid-fields"))
                    .andExpect(jsonPath("$.errors[0].field").value("password"));
            assertThat(store.streamVersion(
                    eventshop.accounts.limits.domain.RegistrationQuota.streamId(client))).isEqualTo(-1);
            send(post("/api/accounts"), anonymous(client), Map.of("email", email, "name", "Strong",
                    "password", "alice-demo-password")).andExpect(status().isCreated());
        }
    }
}
