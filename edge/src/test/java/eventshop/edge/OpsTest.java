package eventshop.edge;

import static eventshop.edge.EdgeTest.assertServicesToken;
import static eventshop.edge.EdgeTest.json;
import static eventshop.edge.EdgeTest.queryParameters;
import static eventshop.edge.EdgeTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import eventshop.edgetoken.EdgeToken;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operations console through edge ({@code docs/operations.md}): {@code /api/ops/<service>/**} to each service,
 * the joined views to web. A context of its own, in which every service is up (in {@link EdgeTest}'s some are down
 * on purpose).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=edge",
        "eventshop.security.token-secret=" + TestTokens.SECRET,
        "eventshop.edge.resilience.sliding-window-size=4",
        "eventshop.edge.resilience.minimum-calls=3",
        "eventshop.edge.resilience.open-state-wait=30s",
        "spring.datasource.url=jdbc:h2:mem:edge-ops-test;DB_CLOSE_DELAY=-1",
        "eventshop.edge.sessions.follow-account-events=false"})
class OpsTest {

    static final List<String> SERVICES = List.of("accounts", "catalog", "inventory", "carts", "orders", "payments",
            "views");
    static final Map<String, StubService> STUBS = new LinkedHashMap<>();

    static {
        for (String name : SERVICES) {
            STUBS.put(name, StubService.started(name));
        }
        STUBS.put("web", StubService.started("web"));
    }

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        STUBS.forEach((name, stub) -> registry.add("eventshop.edge.services." + name, () -> stub.uri().toString()));
    }

    @AfterAll
    static void stopStubs() {
        STUBS.values().forEach(StubService::close);
    }

    @LocalServerPort
    int port;

    @Autowired
    Sessions sessions;

    @Autowired
    EdgeTokens tokens;

    @Nested
    class Routing {

        @ParameterizedTest
        @ValueSource(strings = {"accounts", "catalog", "inventory", "carts", "orders", "payments", "views"})
        void aServicesOpsPath_goesToThatService_withAServicesTokenCarryingTheAdminsRole(String service) throws Exception {
            // given
            String admin = session("acc-admin", EdgeToken.ADMIN);
            Instant before = Instant.now().minusSeconds(1);
            String pathAndQuery = "/api/ops/" + service + "/events?type=OrderPlaced,OrderConfirmed&limit=50";

            // when
            HttpResponse<String> response = send(bearer(pathAndQuery, admin));

            // then
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Map<String, Object> echo = json(response);
            URI sent = URI.create(pathAndQuery);
            assertThat(echo).containsEntry("service", service).containsEntry("method", "GET")
                    .containsEntry("path", sent.getRawPath());
            // the gateway sends the comma on percent-encoded (%2C): the same parameter once decoded
            assertThat(decoded(queryParameters((String) echo.get("query")))).isEqualTo(decoded(queryParameters(sent.getRawQuery())));
            StubService.Received received = STUBS.get(service).receivedOn(sent.getRawPath()).getLast();
            assertThat(received.bearerToken()).isNotEqualTo(admin);
            Jwt token = TestTokens.read(received.bearerToken());
            assertThat(token.getSubject()).isEqualTo("acc-admin");
            assertThat(token.getClaimAsStringList(EdgeToken.ROLES)).containsExactly(EdgeToken.ADMIN);
            assertServicesToken(token, before);
        }

        @Test
        void anActionsBody_goesThroughToTheService() throws Exception {
            String admin = session("acc-admin", EdgeToken.ADMIN);
            String discard = "{\"id\":\"orders.events.orders.dlq:0:12\",\"reason\":\"a test order\"}";

            HttpResponse<String> response = send(bearer("/api/ops/orders/parked/discard", admin)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(discard)));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response)).containsEntry("service", "orders").containsEntry("method", "POST")
                    .containsEntry("body", discard);
        }

        @ParameterizedTest
        @ValueSource(strings = {"/api/ops/overview", "/api/ops/correlations/c-1", "/api/ops/sagas/o-1",
                "/api/ops/sagas/stuck", "/api/ops/sagas?customer=acc-7"})
        void theJoinedViews_goToWeb_withAServicesTokenCarryingTheAdminsRole(String pathAndQuery) throws Exception {
            String admin = session("acc-admin", EdgeToken.ADMIN);

            HttpResponse<String> response = send(bearer(pathAndQuery, admin));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Map<String, Object> echo = json(response);
            assertThat(echo).containsEntry("service", "web").containsEntry("path", URI.create(pathAndQuery).getRawPath());
            Jwt token = TestTokens.read(((String) echo.get("authorization")).substring("Bearer ".length()));
            assertThat(token.getSubject()).isEqualTo("acc-admin");
            assertThat(token.getClaimAsStringList(EdgeToken.ROLES)).containsExactly(EdgeToken.ADMIN);
        }

        @Test
        void theOpsApi_takesABearerTokenOnly_whileTheConsolesPagesTakeTheSessionCookie() throws Exception {
            // given: the admin's browser session cookie, and no Authorization header
            String cookie = "eventshop_session=" + session("acc-admin", EdgeToken.ADMIN);

            // when
            HttpResponse<String> api = send(HttpRequest.newBuilder(edge("/api/ops/overview")).header("Cookie", cookie));
            HttpResponse<String> page = send(HttpRequest.newBuilder(edge("/ops")).header("Cookie", cookie));

            // then: both reach web, the API call as the anonymous caller (web answers it 401), the page as the admin
            assertThat(json(api)).containsEntry("service", "web").containsEntry("path", "/api/ops/overview");
            assertThat(subjectForwardedBy(api)).isEqualTo(EdgeToken.ANONYMOUS);
            assertThat(json(page)).containsEntry("service", "web").containsEntry("path", "/ops");
            assertThat(subjectForwardedBy(page)).isEqualTo("acc-admin");
        }
    }

    /** A session token as login would give it: a live server-side session for the account, and its token. */
    String session(String accountId, String role) {
        return tokens.mintSession(new Caller(accountId, accountId + "@example.com", List.of(role)),
                sessions.open(accountId, sessions.mark(), null)).token();
    }

    HttpRequest.Builder bearer(String path, String token) {
        return HttpRequest.newBuilder(edge(path)).header("Authorization", "Bearer " + token);
    }

    URI edge(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    static Set<String> decoded(Set<String> parameters) {
        return parameters.stream().map(parameter -> URLDecoder.decode(parameter, StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
    }

    static String subjectForwardedBy(HttpResponse<String> echo) {
        return TestTokens.read(((String) json(echo).get("authorization")).substring("Bearer ".length())).getSubject();
    }
}
