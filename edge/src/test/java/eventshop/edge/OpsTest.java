package eventshop.edge;

import static eventshop.edge.EdgeTest.assertProblem;
import static eventshop.edge.EdgeTest.assertServicesToken;
import static eventshop.edge.EdgeTest.json;
import static eventshop.edge.EdgeTest.list;
import static eventshop.edge.EdgeTest.map;
import static eventshop.edge.EdgeTest.queryParameters;
import static eventshop.edge.EdgeTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import eventshop.edgetoken.EdgeToken;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operations console through edge ({@code docs/operations.md}): {@code /api/ops/<service>/**} to each service,
 * the joined views to web, edge's own breakers for an admin ({@code /api/ops/breakers}) and for web
 * ({@code /internal/ops/breakers}, with a services token). A context of its own, in which every service is up
 * (in {@link EdgeTest}'s some are down on purpose); each stub hangs up on {@code /api/ops/<service>/hang-up}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=edge",
        "eventshop.security.token-secret=" + TestTokens.SECRET,
        "eventshop.edge.resilience.sliding-window-size=4",
        "eventshop.edge.resilience.minimum-calls=3",
        "eventshop.edge.resilience.open-state-wait=30s",
        "spring.datasource.url=jdbc:h2:mem:edge-ops-test;DB_CLOSE_DELAY=-1",
        "eventshop.edge.sessions.follow-account-events=false", "eventshop.edge.admission.follow-order-events=false"})
class OpsTest {

    static final List<String> SERVICES = List.of("accounts", "catalog", "inventory", "carts", "orders", "payments",
            "views");
    static final Map<String, StubService> STUBS = new LinkedHashMap<>();

    static {
        for (String name : SERVICES) {
            STUBS.put(name, StubService.started(name).on("/api/ops/" + name + "/hang-up", StubService::hangUp));
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

    @Autowired
    Resilience4JCircuitBreakerFactory breakers;

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

    @Nested
    class EdgesBreakers {

        @Test
        void anAdmin_getsEveryBreaker_eachWithItsStateAndCounts() throws Exception {
            HttpResponse<String> response = send(bearer("/api/ops/breakers", session("acc-admin", EdgeToken.ADMIN)));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            List<Map<String, Object>> breakers = breakers(response);
            assertThat(breakers).extracting(breaker -> breaker.get("route"))
                    .containsExactly("views", "accounts", "catalog", "inventory", "carts", "orders", "payments", "web");
            List<String> states = Arrays.stream(CircuitBreaker.State.values()).map(Enum::name).toList();
            assertThat(breakers).allSatisfy(breaker -> {
                assertThat(breaker).containsOnlyKeys("route", "state", "failureRate", "slowCallRate", "bufferedCalls",
                        "failedCalls", "notPermittedCalls");
                assertThat(states).contains((String) breaker.get("state"));
                assertThat(((Number) breaker.get("failureRate")).doubleValue()).isBetween(-1.0, 100.0);
                assertThat(((Number) breaker.get("bufferedCalls")).intValue()).isBetween(0, 4);
            });
        }

        @Test
        void aCustomer_is403_andACallerWithoutASession401() throws Exception {
            assertProblem(send(bearer("/api/ops/breakers", session("acc-7", EdgeToken.CUSTOMER))), 403,
                    "/problems/forbidden");
            assertProblem(send(HttpRequest.newBuilder(edge("/api/ops/breakers"))), 401, "/problems/unauthorized");
        }

        @Test
        void theyAreEdgesOwn_soAnotherMethodIs405_andWebHearsNothing() throws Exception {
            int before = STUBS.get("web").receivedOn("/api/ops/breakers").size();

            HttpResponse<String> response = send(bearer("/api/ops/breakers", session("acc-admin", EdgeToken.ADMIN))
                    .POST(HttpRequest.BodyPublishers.noBody()));

            assertProblem(response, 405, "/problems/method-not-allowed");
            assertThat(STUBS.get("web").receivedOn("/api/ops/breakers")).hasSize(before);
        }

        @Test
        void afterAServiceFailedEnoughCalls_itsBreakerShowsOpen() throws Exception {
            // given: inventory's breaker afresh (other tests of this class call inventory)
            CircuitBreakerRegistry registry = breakers.getCircuitBreakerRegistry();
            registry.find("inventory").ifPresent(CircuitBreaker::reset);
            String admin = session("acc-admin", EdgeToken.ADMIN);
            try {
                // when: inventory hangs up on three calls (the minimum), and edge then refuses a fourth
                for (int call = 0; call < 3; call++) {
                    assertProblem(send(bearer("/api/ops/inventory/hang-up", admin)), 503, "/problems/service-unavailable");
                }
                HttpResponse<String> refused = send(bearer("/api/ops/inventory/hang-up", admin));

                // then
                assertProblem(refused, 503, "/problems/service-unavailable");
                assertThat(json(refused).get("detail").toString()).contains("stops calling");
                Map<String, Object> inventory = breakers(send(bearer("/api/ops/breakers", admin))).stream()
                        .filter(breaker -> "inventory".equals(breaker.get("route"))).findFirst().orElseThrow();
                assertThat(inventory).containsEntry("state", "OPEN").containsEntry("failureRate", 100.0)
                        .containsEntry("bufferedCalls", 3).containsEntry("failedCalls", 3)
                        .containsEntry("notPermittedCalls", 1);
            } finally {
                registry.find("inventory").ifPresent(CircuitBreaker::reset);
            }
        }
    }

    /** {@code /internal/ops/breakers}: web's call, with the services token edge minted for the admin's page. */
    @Nested
    class ForWeb {

        @Test
        void theServicesTokenOfAnAdminsPage_getsTheBreakers() throws Exception {
            // given: the token web received with the admin's request for a console page
            String admin = session("acc-admin", EdgeToken.ADMIN);
            assertThat(send(bearer("/ops/breakers", admin)).statusCode()).isEqualTo(200);
            String relayed = STUBS.get("web").receivedOn("/ops/breakers").getLast().bearerToken();

            // when
            HttpResponse<String> response = send(bearer("/internal/ops/breakers", relayed));

            // then
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(breakers(response)).extracting(breaker -> breaker.get("route"))
                    .containsExactly("views", "accounts", "catalog", "inventory", "carts", "orders", "payments", "web");
        }

        @Test
        void theServicesTokenOfACustomer_is403() throws Exception {
            String customer = tokens.mintForServices(new Caller("acc-7", "acc-7@example.com", List.of(EdgeToken.CUSTOMER)));

            assertProblem(send(bearer("/internal/ops/breakers", customer)), 403, "/problems/forbidden");
        }

        @ParameterizedTest
        @ValueSource(strings = {"adminsSessionToken", "expired", "otherSecret", "none"})
        void anythingButAServicesToken_is401(String kind) throws Exception {
            Instant now = Instant.now();
            String token = switch (kind) {
                case "adminsSessionToken" -> session("acc-admin", EdgeToken.ADMIN);
                case "expired" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SERVICES_AUDIENCE, "acc-admin",
                        List.of(EdgeToken.ADMIN), now.minusSeconds(7200), now.minusSeconds(3600), null);
                case "otherSecret" -> TestTokens.mint(TestTokens.OTHER_SECRET, EdgeToken.SERVICES_AUDIENCE, "acc-admin",
                        List.of(EdgeToken.ADMIN), now, now.plusSeconds(60), null);
                default -> null;
            };
            HttpRequest.Builder request = token == null ? HttpRequest.newBuilder(edge("/internal/ops/breakers"))
                    : bearer("/internal/ops/breakers", token);

            HttpResponse<String> response = send(request);

            assertProblem(response, 401, "/problems/unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
        }

        @Test
        void nothingElseUnderInternal_isServedOrRouted_evenForAnAdminsServicesToken() throws Exception {
            String admin = tokens.mintForServices(new Caller("acc-admin", "admin@example.com", List.of(EdgeToken.ADMIN)));

            assertProblem(send(bearer("/internal/ops/overview", admin)), 404, "/problems/not-found");
            // outside /internal/ops a services token is no session token
            assertProblem(send(bearer("/internal/credentials/verify", admin).POST(HttpRequest.BodyPublishers.noBody())),
                    401, "/problems/unauthorized");
            assertThat(STUBS.values()).allSatisfy(stub -> assertThat(stub.received())
                    .noneMatch(request -> request.path().startsWith("/internal")));
        }
    }

    /** Least exposure at the store's door: health and its probes for anyone, the rest of edge's actuator for the admin. */
    @Nested
    class EdgesActuator {

        @ParameterizedTest
        @ValueSource(strings = {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"})
        void healthAndTheProbes_areOpen(String path) throws Exception {
            assertThat(send(HttpRequest.newBuilder(edge(path))).statusCode()).isEqualTo(200);
        }

        @ParameterizedTest
        @ValueSource(strings = {"/actuator", "/actuator/info", "/actuator/metrics", "/actuator/env"})
        void everyOtherEndpoint_is401WithoutASession_and403ForACustomer(String path) throws Exception {
            assertProblem(send(HttpRequest.newBuilder(edge(path))), 401, "/problems/unauthorized");
            assertProblem(send(bearer(path, session("acc-customer", EdgeToken.CUSTOMER))), 403, "/problems/forbidden");
        }

        @Test
        void theAdmin_readsInfo_andFindsNoEndpointEdgeDoesNotExpose() throws Exception {
            String admin = session("acc-admin", EdgeToken.ADMIN);

            assertThat(send(bearer("/actuator/info", admin)).statusCode()).isEqualTo(200);
            // edge.yml exposes health, info and prometheus only: the admin passes security and finds nothing
            assertThat(send(bearer("/actuator/metrics", admin)).statusCode()).isEqualTo(404);
            assertThat(send(bearer("/actuator/env", admin)).statusCode()).isEqualTo(404);
        }

        @Test
        void prometheus_isForAScrapersServicesTokenWithTheAdminRole_only() throws Exception {
            String scraper = tokens.mintForServices(new Caller("operator-tools", "", List.of(EdgeToken.ADMIN)));
            String customer = tokens.mintForServices(new Caller("acc-7", "acc-7@example.com", List.of(EdgeToken.CUSTOMER)));

            HttpResponse<String> scraped = send(bearer("/actuator/prometheus", scraper));

            assertThat(scraped.statusCode()).as(scraped.body()).isEqualTo(200);
            assertThat(scraped.body()).contains("edge_checkouts_limit", "edge_checkouts_in_flight");
            assertProblem(send(HttpRequest.newBuilder(edge("/actuator/prometheus"))), 401, "/problems/unauthorized");
            assertProblem(send(bearer("/actuator/prometheus", customer)), 403, "/problems/forbidden");
            // a session token, even the admin's, is not a services token
            assertProblem(send(bearer("/actuator/prometheus", session("acc-admin", EdgeToken.ADMIN))), 401,
                    "/problems/unauthorized");
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

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> breakers(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return list(StubService.JSON.readValue(response.body(), List.class)).stream()
                .map(breaker -> (Map<String, Object>) map(breaker)).toList();
    }

    static Set<String> decoded(Set<String> parameters) {
        return parameters.stream().map(parameter -> URLDecoder.decode(parameter, StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
    }

    static String subjectForwardedBy(HttpResponse<String> echo) {
        return TestTokens.read(((String) json(echo).get("authorization")).substring("Bearer ".length())).getSubject();
    }
}
