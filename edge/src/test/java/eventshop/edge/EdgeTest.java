package eventshop.edge;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edge.admission.CheckoutAdmission;
import eventshop.edge.sessions.AccountEvents;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import eventshop.edgetoken.EdgeToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.net.HttpCookie;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Edge in front of stub services (plain JDK HTTP servers that echo what they receive): routing, the
 * tokens edge mints, login, problems, timeouts and circuit breakers. One Spring context for all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=edge",
        "eventshop.security.token-secret=" + TestTokens.SECRET,
        "eventshop.edge.resilience.timeout=2s",
        "eventshop.edge.resilience.sliding-window-size=4",
        "eventshop.edge.resilience.minimum-calls=3",
        "eventshop.edge.resilience.open-state-wait=30s",
        "spring.datasource.url=jdbc:h2:mem:edge-test;DB_CLOSE_DELAY=-1",
        "eventshop.edge.sessions.follow-account-events=false", "eventshop.edge.admission.follow-order-events=false"})
@Import(TestClock.Configuration.class)
class EdgeTest {

    static final String CATALOG_API_DOCS = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"eventshop catalog\","
            + "\"version\":\"1\"},\"paths\":{\"/api/catalog/products\":{}}}";

    static final StubService ACCOUNTS = StubService.started("accounts")
            .on("/internal/credentials/verify", EdgeTest::verifyCredentials)
            .on("/api/accounts/acc-gone/suspend", (exchange, request) -> StubService.respond(exchange, 404,
                    "application/problem+json", "{\"type\":\"/problems/account-not-found\",\"status\":404}"));

    /** What the stub accounts does while it checks the credentials of race@example.com (before it answers). */
    static volatile Runnable duringVerify = () -> { };
    static final StubService CATALOG = StubService.started("catalog")
            .on("/api/catalog/products/SKU-404", (exchange, request) -> StubService.respond(exchange, 404,
                    "application/problem+json",
                    "{\"type\":\"/problems/product-not-found\",\"title\":\"Product not found\",\"status\":404,"
                            + "\"detail\":\"no product SKU-404\"}"))
            .on("/api/catalog/cached", (exchange, request) -> {
                exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
                exchange.getResponseHeaders().set("X-Served-By", "catalog");
                StubService.respond(exchange, 200, "application/json", "{}");
            })
            .on("/api/catalog/boom", (exchange, request) -> StubService.respond(exchange, 500,
                    "application/problem+json", "{\"type\":\"/problems/internal-error\",\"status\":500}"))
            .on("/v3/api-docs", (exchange, request) -> StubService.respond(exchange, 200, "application/json",
                    CATALOG_API_DOCS));
    static final StubService INVENTORY = StubService.started("inventory")
            .on("/api/inventory/SKU-SLOW", (exchange, request) -> {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                StubService.respond(exchange, 200, "application/json", "{}");
            });
    static final AtomicInteger checkoutsAccepted = new AtomicInteger();
    static final StubService CARTS = StubService.started("carts")
            .on("/api/cart/checkout", (exchange, request) -> {
                exchange.getResponseHeaders().set("Location", "/api/orders/o-" + checkoutsAccepted.incrementAndGet());
                StubService.respond(exchange, 202, "application/json", "{}");
            });
    static final StubService ORDERS = StubService.notStarted("orders");
    static final StubService PAYMENTS = StubService.notStarted("payments");
    static final StubService VIEWS = StubService.started("views");
    static final AtomicLong liveSent = new AtomicLong();
    static final CountDownLatch liveRelease = new CountDownLatch(1);
    static final StubService WEB = StubService.started("web")
            .on("/products", EdgeTest::echoWithCsrf)
            .on("/orders", EdgeTest::echoWithCsrf)
            .on("/cart/items", EdgeTest::echoWithCsrf)
            .on("/orders/o-1/live", (exchange, request) -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                var out = exchange.getResponseBody();
                out.write("event:order\ndata:placed\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                liveSent.set(System.nanoTime());
                try {
                    // the stream stays open until the client has the first event: a buffering proxy never delivers it
                    liveRelease.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                out.write("event:order\ndata:reserved\n\n".getBytes(StandardCharsets.UTF_8));
                out.close();
            });

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        for (StubService stub : List.of(ACCOUNTS, CATALOG, INVENTORY, CARTS, ORDERS, PAYMENTS, VIEWS, WEB)) {
            registry.add("eventshop.edge.services." + name(stub), () -> stub.uri().toString());
        }
    }

    private static String name(StubService stub) {
        if (stub == ACCOUNTS) return "accounts";
        if (stub == CATALOG) return "catalog";
        if (stub == INVENTORY) return "inventory";
        if (stub == CARTS) return "carts";
        if (stub == ORDERS) return "orders";
        if (stub == VIEWS) return "views";
        if (stub == WEB) return "web";
        return "payments";
    }

    @AfterAll
    static void stopStubs() {
        liveRelease.countDown();
        List.of(ACCOUNTS, CATALOG, INVENTORY, CARTS, ORDERS, PAYMENTS, VIEWS, WEB).forEach(StubService::close);
    }

    @LocalServerPort
    int port;

    @Autowired
    Sessions sessions;

    @Autowired
    EdgeTokens tokens;

    @Autowired
    TestClock clock;

    @Autowired
    AccountEvents accountEvents;

    @Autowired
    CheckoutAdmission admission;

    /** A session token as login would give it: a live server-side session for the account, and its token. */
    String session(String accountId, String role) {
        return tokens.mintSession(new Caller(accountId, accountId + "@example.com", List.of(role)),
                sessions.open(accountId, sessions.mark(), null)).token();
    }

    @Nested
    class Routing {

        @ParameterizedTest
        @CsvSource({
                "GET,    /api/accounts,                        accounts",
                "GET,    /api/accounts/me,                     accounts",
                "POST,   /api/accounts/acc-1/suspend,          accounts",
                "GET,    /api/catalog/products?q=red%20mug&page=2, views",
                "GET,    /api/orders?page=1,                   views",
                "GET,    /api/views/status,                    views",
                "POST,   /api/views/rebuild,                   views",
                "POST,   /api/catalog/products,                catalog",
                "GET,    /api/catalog/products/SKU-24642,      catalog",
                "GET,    /api/inventory/SKU-24642,             inventory",
                "GET,    /api/cart,                            carts",
                "PUT,    /api/cart/items/SKU-24642,            carts",
                "DELETE, /api/cart/items/SKU-24642,            carts",
                "GET,    /ops,                                 web"})
        void forwardsEachPrefix_toItsService_withPathAndQueryUnchanged(String method, String pathAndQuery,
                                                                      String service) throws Exception {
            // when
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge(pathAndQuery))
                    .method(method, HttpRequest.BodyPublishers.noBody()));

            // then
            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, Object> echo = json(response);
            URI sent = URI.create(pathAndQuery);
            assertThat(echo.get("service")).isEqualTo(service);
            assertThat(echo.get("method")).isEqualTo(method);
            assertThat(echo.get("path")).isEqualTo(sent.getRawPath());
            assertThat(queryParameters((String) echo.get("query"))).isEqualTo(queryParameters(sent.getRawQuery()));
        }

        @Test
        void forwardsTheBody() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/cart/items"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"SKU-24642\",\"quantity\":2}")));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("body")).isEqualTo("{\"sku\":\"SKU-24642\",\"quantity\":2}");
        }

        @Test
        void anEmptyChunkedBody_isForwardedAsNoBody_andAChunkedBodyWhole() throws Exception {
            // what the service was sent: its framing headers and body
            CARTS.on("/api/cart/framing", (exchange, request) -> StubService.respond(exchange, 200, "application/json",
                    StubService.JSON.writeValueAsBytes(Map.of(
                            "contentLength", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Length")),
                            "transferEncoding", String.valueOf(exchange.getRequestHeaders().getFirst("Transfer-Encoding")),
                            "body", request.body()))));
            // an empty chunked body (the last chunk alone) failed now and then inside the JDK's client (a
            // NullPointerException in its HTTP/1.1 exchange), which edge answered 500: every one of these is forwarded
            for (int attempt = 1; attempt <= 50; attempt++) {
                String empty = raw("POST /api/cart/framing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

                assertThat(empty).as("attempt %d", attempt).startsWith("HTTP/1.1 200")
                        .contains("\"contentLength\":\"0\"", "\"transferEncoding\":\"null\"", "\"body\":\"\"");
            }
            String chunks = raw("POST /api/cart/framing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "7\r\n{\"sku\":\r\n8\r\n\"SKU-1\"}\r\n0\r\n\r\n");

            // a body with bytes is forwarded whole (as the gateway forwards any body: chunked, its length dropped)
            assertThat(chunks).startsWith("HTTP/1.1 200").contains("\"body\":\"{\\\"sku\\\":\\\"SKU-1\\\"}\"");
        }

        @Test
        void refusesAnOversizedChunkedBody_with413Problem_beforeTheServiceSeesIt() throws Exception {
            int before = CARTS.receivedOn("/api/cart/items").size();
            byte[] chunk = ("{\"sku\":\"" + "A".repeat(70_000) + "\"}").getBytes(StandardCharsets.ISO_8859_1);
            String answer = raw("POST /api/cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk.length) + "\r\n" + new String(chunk, StandardCharsets.ISO_8859_1)
                    + "\r\n0\r\n\r\n");

            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("\"/problems/payload-too-large\"");
            assertThat(CARTS.receivedOn("/api/cart/items")).hasSize(before);
        }

        @Test
        void aMalformedChunkedBody_is400Problem_beforeTheServiceSeesIt() throws Exception {
            int before = CARTS.receivedOn("/api/cart/items").size();
            String answer = raw("POST /api/cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json")
                    .contains("\"/problems/malformed-request\"");
            assertThat(CARTS.receivedOn("/api/cart/items")).hasSize(before);
        }

        @Test
        void passesTheConsistencyToken_bothWays() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/cart"))
                    .header("Consistency-Token", "carts@7"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(CARTS.received().getLast().consistencyToken()).isEqualTo("carts@7");
            assertThat(response.headers().firstValue("Consistency-Token")).hasValue("carts@42");
        }

        @Test
        void passesOtherHeaders_bothWays_withoutAddingToTheServicesOwn() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/catalog/cached"))
                    .header("X-Request-Id", "req-1"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(CATALOG.receivedOn("/api/catalog/cached").getLast().requestId()).isEqualTo("req-1");
            assertThat(response.headers().allValues("Cache-Control")).containsExactly("max-age=60");
            assertThat(response.headers().allValues("X-Served-By")).containsExactly("catalog");
        }

        @Test
        void passesServiceErrors_throughUntouched() throws Exception {
            HttpResponse<String> missing = send(HttpRequest.newBuilder(edge("/api/catalog/products/SKU-404")));
            HttpResponse<String> failed = send(HttpRequest.newBuilder(edge("/api/catalog/boom")));

            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(missing)).containsEntry("type", "/problems/product-not-found")
                    .containsEntry("detail", "no product SKU-404");
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).isEqualTo("{\"type\":\"/problems/internal-error\",\"status\":500}");
        }

        @Test
        void neverRoutesInternalPaths() throws Exception {
            HttpResponse<String> direct = send(HttpRequest.newBuilder(edge("/internal/credentials/verify"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"ann@example.com\",\"password\":\"x\"}")));
            HttpResponse<String> traversal = send(HttpRequest.newBuilder(
                    edge("/api/accounts/../../internal/credentials/verify")).POST(HttpRequest.BodyPublishers.noBody()));
            HttpResponse<String> encoded = send(HttpRequest.newBuilder(
                    edge("/api/accounts/%2e%2e/%2e%2e/internal/credentials/verify")).POST(HttpRequest.BodyPublishers.noBody()));

            assertProblem(direct, 404, "/problems/not-found");
            assertProblem(traversal, 400, "/problems/malformed-request");
            assertProblem(encoded, 400, "/problems/malformed-request");
            assertThat(ACCOUNTS.received()).noneMatch(request -> request.path().contains("internal")
                    && request.authorization() != null && !isEdgeItself(request.bearerToken()));
        }

        @Test
        void whatTomcatRefusesBeforeAnyHandler_isAProblem_notAnHtmlPage() throws Exception {
            for (String path : List.of("/api/catalog/products/a%2fb", "/api/catalog/products/a%5cb",
                    "/api/catalog/products/%00")) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(edge(path)));

                assertThat(response.statusCode()).as(path).isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type")).as(path)
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(json(response)).as(path).containsEntry("type", "/problems/malformed-request");
            }
        }

        @Test
        void whatARouteCannotReadOfTheRequest_isA400Problem_neitherAnUnavailableServiceNorAnInternalError() throws Exception {
            // a repeated parameter that is not UTF-8: Tomcat's decoding fails (with an IOException inside) as the route reads it
            HttpResponse<String> undecodable = send(HttpRequest.newBuilder(edge("/api/orders?size=1&size=%ff%fe")));
            // a parameter name with a noncharacter, which the firewall refuses as the route reads it
            HttpResponse<String> refusedName = send(HttpRequest.newBuilder(edge("/api/accounts/acc-1/confirm?%EF%BF%BF=1"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            // a header value with a C1 control character (the UTF-8 bytes of U+0081, which Tomcat reads as Latin-1)
            String refusedHeader = raw("GET /api/cart HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Idempotency-Key: a\u00c2\u0081b\r\n\r\n");

            assertProblem(undecodable, 400, "/problems/malformed-request");
            assertProblem(refusedName, 400, "/problems/malformed-request");
            assertThat(refusedHeader).startsWith("HTTP/1.1 400").contains("application/problem+json")
                    .contains("\"/problems/malformed-request\"");
            assertThat(VIEWS.received()).noneMatch(request -> String.valueOf(request.query()).toLowerCase().contains("%ff"));
            assertThat(ORDERS.received()).noneMatch(request -> String.valueOf(request.query()).toLowerCase().contains("%ff"));
        }

        @Test
        void aWildcardContentType_is415Problem_atRoutesAndEdgesOwnEndpoints() throws Exception {
            for (String path : List.of("/api/cart/items", "/api/ops/inventory/events", "/api/auth/login")) {
                for (String type : List.of("*/*", "application/*")) {
                    HttpResponse<String> response = send(HttpRequest.newBuilder(edge(path)).header("Content-Type", type)
                            .POST(HttpRequest.BodyPublishers.ofString("{}")));

                    assertProblem(response, 415, "/problems/unsupported-media-type");
                }
            }
        }

        @Test
        void anAcceptOrContentTypeThatFailsSpringsParser_isStillAProblem() throws Exception {
            // "" then UTF-8 bytes read as Latin-1: Spring's media type parser fails with an index out of bounds
            String odd = new String("\"\"\u4e2d\u6587/x".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            String accept = raw("POST /api/orders/o-1/cancel HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Accept: " + odd + "\r\nContent-Length: 0\r\n\r\n");
            String contentType = raw("POST /api/cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: " + odd + "\r\nContent-Length: 2\r\n\r\n{}");

            assertThat(accept).startsWith("HTTP/1.1 406").contains("application/problem+json")
                    .contains("\"/problems/not-acceptable\"");
            assertThat(contentType).startsWith("HTTP/1.1 415").contains("application/problem+json")
                    .contains("\"/problems/unsupported-media-type\"");
        }

        @Test
        void aMalformedAccept_is406Problem_atEdgesOwnEndpointsToo() throws Exception {
            HttpResponse<String> login = send(HttpRequest.newBuilder(edge("/api/auth/login")).header("Accept", "garbage")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"ann@example.com\",\"password\":\"x\"}")));

            assertProblem(login, 406, "/problems/not-acceptable");
        }

        @Test
        void answersUnknownApiPaths_with404Problem() throws Exception {
            assertProblem(send(HttpRequest.newBuilder(edge("/api/nothing-here"))), 404, "/problems/not-found");
            assertProblem(send(HttpRequest.newBuilder(edge("/api/catalogue/products"))), 404, "/problems/not-found");
        }

        @Test
        void refusesOversizedBodies_with413Problem() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/cart/items"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"" + "A".repeat(70_000) + "\"}")));

            assertProblem(response, 413, "/problems/payload-too-large");
            assertThat(CARTS.received()).noneMatch(request -> request.body().length() > 65_536);
        }

        @Test
        void servesTheLandingPage_andHealth() throws Exception {
            HttpResponse<String> index = send(HttpRequest.newBuilder(edge("/")));
            HttpResponse<String> health = send(HttpRequest.newBuilder(edge("/actuator/health")));
            HttpResponse<String> readiness = send(HttpRequest.newBuilder(edge("/actuator/health/readiness")));
            HttpResponse<String> env = send(HttpRequest.newBuilder(edge("/actuator/env")));

            // the landing page is the storefront's now (issue 13): edge sends "/" to web, as the visitor
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(json(index)).containsEntry("service", "web").containsEntry("path", "/");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json(health)).containsEntry("status", "UP");
            assertThat(readiness.statusCode()).as("an edge started on its own is ready").isEqualTo(200);
            assertProblem(env, 401, "/problems/unauthorized");
        }
    }

    @Nested
    class ApiDocs {

        @Test
        void theIndex_listsEveryServiceEdgeRoutesTo_withItsDescriptionsUrl() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/docs")));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    contentType -> assertThat(contentType).startsWith("application/json"));
            assertThat(json(response).get("services")).isEqualTo(List.of(
                    Map.of("name", "views", "url", "/api/docs/views"),
                    Map.of("name", "accounts", "url", "/api/docs/accounts"),
                    Map.of("name", "catalog", "url", "/api/docs/catalog"),
                    Map.of("name", "inventory", "url", "/api/docs/inventory"),
                    Map.of("name", "carts", "url", "/api/docs/carts"),
                    Map.of("name", "orders", "url", "/api/docs/orders"),
                    Map.of("name", "payments", "url", "/api/docs/payments")));
        }

        @Test
        void aServicesDescription_isItsV3ApiDocs_fetchedWithAServicesToken() throws Exception {
            // given
            String session = session("acc-3", EdgeToken.CUSTOMER);

            // when
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/docs/catalog"))
                    .header("Authorization", "Bearer " + session));

            // then
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo(CATALOG_API_DOCS);
            StubService.Received received = CATALOG.receivedOn("/v3/api-docs").getLast();
            assertThat(received.method()).isEqualTo("GET");
            assertThat(received.bearerToken()).isNotEqualTo(session);
            assertThat(TestTokens.read(received.bearerToken()).getSubject()).isEqualTo("acc-3");
        }

        @Test
        void swaggerUi_isServedByEdge_overTheGatheredDescriptions_andEdgesOwn() throws Exception {
            HttpResponse<String> page = send(HttpRequest.newBuilder(edge("/swagger-ui/index.html")));
            HttpResponse<String> config = send(HttpRequest.newBuilder(edge("/v3/api-docs/swagger-config")));
            HttpResponse<String> own = send(HttpRequest.newBuilder(edge("/v3/api-docs")));

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                    contentType -> assertThat(contentType).startsWith("text/html"));
            assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
            assertThat(list(json(config).get("urls"))).contains(
                    Map.of("name", "catalog", "url", "/api/docs/catalog"),
                    Map.of("name", "edge", "url", "/v3/api-docs"));
            assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
            assertThat(map(json(own).get("paths")).keySet()).containsExactlyInAnyOrder("/api/auth/login", "/api/auth/me",
                    "/api/auth/logout", "/api/ops/breakers");
            assertThat(map(json(own).get("info"))).containsEntry("title", "eventshop edge");
        }

        @Test
        void aServiceThatIsDown_is503Problem_andAnUnknownOne404() throws Exception {
            assertProblem(send(HttpRequest.newBuilder(edge("/api/docs/orders"))), 503, "/problems/service-unavailable");
            assertProblem(send(HttpRequest.newBuilder(edge("/api/docs/nothing"))), 404, "/problems/not-found");
        }
    }

    @Nested
    class ServicesTokens {

        @Test
        void servicesTokens_nameTheClientsSocketAddress_whateverXForwardedForClaims() throws Exception {
            send(HttpRequest.newBuilder(edge("/api/cart")).header("X-Forwarded-For", "203.0.113.9"));

            Jwt token = TestTokens.read(CARTS.received().getLast().bearerToken());
            String client = token.getClaimAsString(EdgeToken.CLIENT_ADDRESS);
            assertThat(client).isNotEqualTo("203.0.113.9");
            assertThat(java.net.InetAddress.getByName(client).isLoopbackAddress()).isTrue();
        }

        @Test
        void anonymousCaller_getsAnAnonymousServicesToken() throws Exception {
            // when
            Instant before = Instant.now().minusSeconds(1);
            send(HttpRequest.newBuilder(edge("/api/catalog/products/SKU-24642")));

            // then
            Jwt token = TestTokens.read(CATALOG.received().getLast().bearerToken());
            assertThat(token.getSubject()).isEqualTo(EdgeToken.ANONYMOUS);
            assertThat(token.getClaimAsStringList(EdgeToken.ROLES)).isEmpty();
            assertThat(token.getClaimAsString(EdgeToken.EMAIL)).isNull();
            assertServicesToken(token, before);
        }

        @Test
        void sessionCaller_getsAServicesTokenWithTheSessionsClaims_andTheirTokenIsNotForwarded() throws Exception {
            // given
            String session = session("acc-7", EdgeToken.CUSTOMER);
            Instant before = Instant.now().minusSeconds(1);

            // when
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/cart"))
                    .header("Authorization", "Bearer " + session));

            // then
            assertThat(response.statusCode()).isEqualTo(200);
            StubService.Received received = CARTS.received().getLast();
            assertThat(received.authorizations()).hasSize(1);
            assertThat(received.bearerToken()).isNotEqualTo(session);
            Jwt token = TestTokens.read(received.bearerToken());
            assertThat(token.getSubject()).isEqualTo("acc-7");
            assertThat(token.getClaimAsString(EdgeToken.EMAIL)).isEqualTo("acc-7@example.com");
            assertThat(token.getClaimAsStringList(EdgeToken.ROLES)).containsExactly(EdgeToken.CUSTOMER);
            assertServicesToken(token, before);
        }

        @Test
        void otherAuthorizationSchemes_areNotForwarded() throws Exception {
            send(HttpRequest.newBuilder(edge("/api/inventory/SKU-1")).header("Authorization", "Basic YWRtaW46YWRtaW4="));

            Jwt token = TestTokens.read(INVENTORY.received().getLast().bearerToken());
            assertThat(token.getSubject()).isEqualTo(EdgeToken.ANONYMOUS);
        }

        @ParameterizedTest
        @CsvSource({"expired", "servicesAudience", "otherSecret", "tampered", "garbage", "noExpiry", "noSession",
                "unknownSession", "anotherAccountsSession"})
        void invalidSessionToken_is401Problem_andNothingIsForwarded(String kind) throws Exception {
            // given
            Instant now = Instant.now();
            // every defect on its own: the session named is live (for acc-1) unless the kind is about the session
            String live = sessions.open("acc-1", sessions.mark(), null);
            String token = switch (kind) {
                case "expired" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SESSION_AUDIENCE, "acc-1",
                        List.of(EdgeToken.ADMIN), now.minusSeconds(7200), now.minusSeconds(3600), live);
                case "servicesAudience" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SERVICES_AUDIENCE, "acc-1",
                        List.of(EdgeToken.ADMIN), now, now.plusSeconds(60), live);
                case "otherSecret" -> TestTokens.mint(TestTokens.OTHER_SECRET, EdgeToken.SESSION_AUDIENCE, "acc-1",
                        List.of(EdgeToken.ADMIN), now, now.plusSeconds(3600), live);
                case "tampered" -> tamper(session("acc-1", EdgeToken.CUSTOMER));
                case "noExpiry" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SESSION_AUDIENCE, "acc-1",
                        List.of(EdgeToken.ADMIN), now, null, live);
                case "noSession" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SESSION_AUDIENCE, "acc-1",
                        List.of(EdgeToken.ADMIN), now, now.plusSeconds(3600), null);
                case "unknownSession" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SESSION_AUDIENCE, "acc-1",
                        List.of(EdgeToken.ADMIN), now, now.plusSeconds(3600), java.util.UUID.randomUUID().toString());
                case "anotherAccountsSession" -> TestTokens.mint(TestTokens.SECRET, EdgeToken.SESSION_AUDIENCE,
                        "acc-2", List.of(EdgeToken.ADMIN), now, now.plusSeconds(3600), live);
                default -> "not-a-jwt";
            };
            int forwardedBefore = CATALOG.received().size();

            // when
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/catalog/products"))
                    .header("Authorization", "Bearer " + token));

            // then
            assertProblem(response, 401, "/problems/unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
            assertThat(CATALOG.received()).hasSize(forwardedBefore);
        }

        private static String tamper(String token) {
            String[] parts = token.split("\\.");
            String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                    .replace("\"CUSTOMER\"", "\"ADMIN\"");
            parts[1] = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes());
            return String.join(".", parts);
        }
    }

    @Nested
    class Login {

        @Test
        void goodCredentials_giveASessionToken_thatEdgeThenTurnsIntoServicesTokens() throws Exception {
            // when
            Instant before = Instant.now().minusSeconds(1);
            HttpResponse<String> response = login("{\"email\":\"ann@example.com\",\"password\":\"right-password\"}");

            // then
            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, Object> answer = json(response);
            assertThat(answer).containsEntry("accountId", "acc-ann").containsEntry("role", "CUSTOMER");
            Jwt session = TestTokens.read((String) answer.get("token"));
            assertThat(session.getClaimAsString("iss")).isEqualTo(EdgeToken.ISSUER);
            assertThat(session.getAudience()).containsExactly(EdgeToken.SESSION_AUDIENCE);
            assertThat(session.getSubject()).isEqualTo("acc-ann");
            assertThat(session.getClaimAsString(EdgeToken.EMAIL)).isEqualTo("ann@example.com");
            assertThat(session.getClaimAsStringList(EdgeToken.ROLES)).containsExactly(EdgeToken.CUSTOMER);
            assertThat(session.getExpiresAt()).isBetween(before.plus(Duration.ofHours(8)),
                    Instant.now().plus(Duration.ofHours(8)).plusSeconds(1));
            assertThat(Instant.parse((String) answer.get("expiresAt"))).isEqualTo(session.getExpiresAt());

            // and edge asked accounts as itself
            Jwt edgeToken = TestTokens.read(ACCOUNTS.receivedOn("/internal/credentials/verify").getLast().bearerToken());
            assertThat(edgeToken.getSubject()).isEqualTo("edge");
            assertThat(edgeToken.getClaimAsStringList(EdgeToken.ROLES)).containsExactly(EdgeToken.EDGE);
            assertServicesToken(edgeToken, before);

            // and the session works
            HttpResponse<String> me = send(HttpRequest.newBuilder(edge("/api/accounts/me"))
                    .header("Authorization", "Bearer " + answer.get("token")));
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(TestTokens.read(ACCOUNTS.received().getLast().bearerToken()).getSubject()).isEqualTo("acc-ann");
        }

        @Test
        void authMe_tellsTheSessionsClaims_andNeedsASession() throws Exception {
            String session = session("acc-9", EdgeToken.ADMIN);

            HttpResponse<String> me = send(HttpRequest.newBuilder(edge("/api/auth/me"))
                    .header("Authorization", "Bearer " + session));
            HttpResponse<String> anonymous = send(HttpRequest.newBuilder(edge("/api/auth/me")));

            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(json(me)).containsEntry("accountId", "acc-9").containsEntry("email", "acc-9@example.com")
                    .containsEntry("roles", List.of("ADMIN"));
            assertProblem(anonymous, 401, "/problems/unauthorized");
        }

        @Test
        void wrongPassword_is401_andDoesNotOpenTheAccountsBreaker() throws Exception {
            for (int attempt = 0; attempt < 6; attempt++) {
                HttpResponse<String> response = login("{\"email\":\"ann@example.com\",\"password\":\"wrong\"}");
                assertProblem(response, 401, "/problems/invalid-credentials");
                assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
            }

            assertThat(login("{\"email\":\"ann@example.com\",\"password\":\"right-password\"}").statusCode())
                    .isEqualTo(200);
        }

        @Test
        void tooManyFailures_is429_withAccountsRetryAfter_andTheClientsAddressWentToAccounts() throws Exception {
            // when
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/auth/login"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "203.0.113.9")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"guessed@example.com\",\"password\":\"right-password\"}")));

            // then
            assertProblem(response, 429, "/problems/too-many-login-attempts");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("42");
            assertThat((String) json(response).get("detail")).contains("42 s");
            // and accounts was told the socket's address, not what the client claimed in X-Forwarded-For
            Jwt edgeToken = TestTokens.read(ACCOUNTS.receivedOn("/internal/credentials/verify").getLast().bearerToken());
            assertThat(java.net.InetAddress.getByName(edgeToken.getClaimAsString(EdgeToken.CLIENT_ADDRESS))
                    .isLoopbackAddress()).isTrue();
            // and a refusal for guessing is no failure of the accounts service
            for (int attempt = 0; attempt < 6; attempt++) {
                assertThat(login("{\"email\":\"guessed@example.com\",\"password\":\"x\"}").statusCode()).isEqualTo(429);
            }
            assertThat(login("{\"email\":\"ann@example.com\",\"password\":\"right-password\"}").statusCode())
                    .isEqualTo(200);
        }

        @Test
        void suspendedAccount_is403() throws Exception {
            HttpResponse<String> response = login("{\"email\":\"sue@example.com\",\"password\":\"right-password\"}");

            assertProblem(response, 403, "/problems/account-suspended");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{\"email\":\"ann@example.com\"                                  | malformed-json |",
                "[]                                                                 | malformed-json |",
                "null                                                               | malformed-json |",
                "{\"email\":\"ann@example.com\",\"password\":\"x\"} {}               | malformed-json |",
                "{\"email\":\"ann@example.com\"}                                 | invalid-fields | password",
                "{\"password\":\"right-password\"}                               | invalid-fields | email",
                "{\"email\":\"\",\"password\":\"x\"}                                 | invalid-fields | email",
                "{\"email\":{\"a\":1},\"password\":\"x\"}                            | invalid-fields | email",
                "{\"email\":\"ann@example.com\",\"password\":12345678}            | invalid-fields | password",
                "{\"email\":\"ann@example.com\",\"email\":\"eve@example.com\",\"password\":\"x\"} | invalid-fields | email",
                "{\"email\":\"ann\\u0000@example.com\",\"password\":\"x\"}             | invalid-fields | email",
                "{\"email\":\"ann@example.com\",\"password\":\"right\\npassword\"}     | invalid-fields | password"})
        void malformedBody_is400_namingTheFieldsAtFault_andAccountsIsNotAsked(String body, String slug, String field)
                throws Exception {
            int checksBefore = ACCOUNTS.receivedOn("/internal/credentials/verify").size();

            HttpResponse<String> response = login(body);

            assertProblem(response, 400, "/problems/" + slug);
            if (field != null) {
                assertThat(response.body()).contains("\"errors\":[{\"field\":\"" + field + "\",\"in\":\"body\"");
            }
            assertThat(response.body()).doesNotContain("12345678").doesNotContain("right");
            assertThat(ACCOUNTS.receivedOn("/internal/credentials/verify")).hasSize(checksBefore);
        }

        @Test
        void overlongEmail_is400() throws Exception {
            HttpResponse<String> response = login("{\"email\":\"" + "a".repeat(250) + "@example.com\","
                    + "\"password\":\"x\"}");

            assertProblem(response, 400, "/problems/invalid-fields");
            assertThat(response.body()).contains("email must be at most 254 characters");
        }

        @Test
        void oversizedBody_is413() throws Exception {
            String body = "{\"email\":\"ann@example.com\",\"password\":\"" + "x".repeat(70_000) + "\"}";

            assertProblem(login(body), 413, "/problems/payload-too-large");
        }

        @Test
        void nonJsonBody_is415() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/auth/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("email=ann%40example.com&password=right-password")));

            assertProblem(response, 415, "/problems/unsupported-media-type");
        }

        @Test
        void aStaleTokenDoesNotStandInTheWayOfLoggingIn() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/auth/login"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer expired.or.garbage")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"ann@example.com\",\"password\":\"right-password\"}")));

            assertThat(response.statusCode()).isEqualTo(200);
        }

        @Test
        void wrongMethod_is405Problem() throws Exception {
            assertProblem(send(HttpRequest.newBuilder(edge("/api/auth/login"))), 405, "/problems/method-not-allowed");
        }

        private HttpResponse<String> login(String body) throws Exception {
            return send(HttpRequest.newBuilder(edge("/api/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }
    }

    @Nested
    class SessionsEnd {

        @Test
        void logout_endsTheSessionAtOnce_andTheTokenIsRefusedFromThen_logoutIncluded() throws Exception {
            for (int round = 0; round < 20; round++) {
                // given: logged in, and the token works
                String token = token(login("rita@example.com", "right-password"));
                assertThat(send(bearer("/api/cart", token)).statusCode()).isEqualTo(200);

                // when
                HttpResponse<String> logout = send(bearer("/api/auth/logout", token)
                        .POST(HttpRequest.BodyPublishers.noBody()));

                // then
                assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);
                int forwarded = CARTS.received().size();
                assertProblem(send(bearer("/api/cart", token)), 401, "/problems/unauthorized");
                assertProblem(send(bearer("/api/auth/me", token)), 401, "/problems/unauthorized");
                assertThat(CARTS.received()).hasSize(forwarded);
                // logging out twice: the token is no longer a session's
                assertProblem(send(bearer("/api/auth/logout", token).POST(HttpRequest.BodyPublishers.noBody())),
                        401, "/problems/unauthorized");
            }
        }

        @Test
        void logout_endsOnlyThatSession() throws Exception {
            String phone = token(login("rita@example.com", "right-password"));
            String laptop = token(login("rita@example.com", "right-password"));

            assertThat(send(bearer("/api/auth/logout", phone).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .isEqualTo(204);

            assertProblem(send(bearer("/api/cart", phone)), 401, "/problems/unauthorized");
            assertThat(send(bearer("/api/cart", laptop)).statusCode()).isEqualTo(200);
        }

        @Test
        void logoutWithoutASession_is401() throws Exception {
            assertProblem(send(HttpRequest.newBuilder(edge("/api/auth/logout")).POST(HttpRequest.BodyPublishers.noBody())),
                    401, "/problems/unauthorized");
        }

        @Test
        void aCustomersForgetMe_endsTheirSessions_beforeTheyHaveTheAnswer() throws Exception {
            String customer = "acc-forget-me";
            String one = session(customer, EdgeToken.CUSTOMER);
            String two = session(customer, EdgeToken.CUSTOMER);

            HttpResponse<String> done = send(bearer("/api/accounts/me", one).header("Content-Type", "application/json")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"password\":\"pw\"}")));

            assertThat(done.statusCode()).isEqualTo(200);
            assertProblem(send(bearer("/api/cart", two)), 401, "/problems/unauthorized");
            assertThat(sessions.count(customer)).isZero();
        }

        @ParameterizedTest
        @CsvSource({"suspend", "archive", "forget"})
        void anAdminsSuspendOrArchive_endsEverySessionOfTheAccount_beforeTheAdminHasTheAnswer(String command)
                throws Exception {
            String admin = session("acc-admin", EdgeToken.ADMIN);
            for (int round = 0; round < 20; round++) {
                // given: a customer with two sessions, both working
                String customer = "acc-" + command + "-" + round;
                String one = session(customer, EdgeToken.CUSTOMER);
                String two = session(customer, EdgeToken.CUSTOMER);
                String bystander = session("acc-bystander-" + round, EdgeToken.CUSTOMER);
                assertThat(send(bearer("/api/cart", one)).statusCode()).isEqualTo(200);

                // when: accounts answers the admin's command with success
                HttpResponse<String> done = send(bearer("/api/accounts/" + customer + "/" + command, admin)
                        .POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(done.statusCode()).isEqualTo(200);

                // then: at once, both tokens are refused; others' are not
                int forwarded = CARTS.received().size();
                assertProblem(send(bearer("/api/cart", one)), 401, "/problems/unauthorized");
                assertProblem(send(bearer("/api/cart/checkout", two).POST(HttpRequest.BodyPublishers.noBody())), 401,
                        "/problems/unauthorized");
                assertThat(CARTS.received()).hasSize(forwarded);
                assertThat(sessions.count(customer)).isZero();
                assertThat(send(bearer("/api/cart", bystander)).statusCode()).isEqualTo(200);
            }
        }

        @Test
        void aSuspendThatAccountsRefuses_endsNoSession() throws Exception {
            String admin = session("acc-admin", EdgeToken.ADMIN);
            String customer = session("acc-gone", EdgeToken.CUSTOMER);

            HttpResponse<String> refused = send(bearer("/api/accounts/acc-gone/suspend", admin)
                    .POST(HttpRequest.BodyPublishers.noBody()));

            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(send(bearer("/api/cart", customer)).statusCode()).isEqualTo(200);
        }

        @Test
        void aLoginWhoseCredentialsWereCheckedBeforeASuspensionLanded_getsNoSession() throws Exception {
            // given: while accounts checks race's credentials (and finds them good: it has not seen the
            // suspension yet), the admin suspends race and edge ends race's sessions
            String admin = session("acc-admin", EdgeToken.ADMIN);
            duringVerify = () -> {
                try {
                    assertThat(send(bearer("/api/accounts/acc-race/suspend", admin)
                            .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            try {
                // when
                HttpResponse<String> login = login("race@example.com", "right-password");

                // then: the login opens no session that would outlive the suspension
                assertProblem(login, 403, "/problems/account-suspended");
                assertThat(sessions.count("acc-race")).isZero();
            } finally {
                duringVerify = () -> { };
            }
            // a later login (accounts decides again) is not held against the account
            assertThat(login("race@example.com", "right-password").statusCode()).isEqualTo(200);
        }

        @Test
        void anEndingAfterTheLoginsMark_refusesTheSession_anEndingBeforeItDoesNot() {
            long before = sessions.mark();
            sessions.endAll("acc-marked", Sessions.Ending.ARCHIVED);
            long after = sessions.mark();

            assertThat(after).isGreaterThan(before);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.open("acc-marked", before, null))
                    .isInstanceOfSatisfying(Sessions.AccountSessionsEnded.class,
                            ended -> assertThat(ended.ending()).isEqualTo(Sessions.Ending.ARCHIVED));
            assertThat(sessions.count("acc-marked")).isZero();
            assertThat(sessions.isLive(sessions.open("acc-marked", after, null), "acc-marked")).isTrue();
        }

        @Test
        void aSessionIdleForLongerThanTheTimeout_ends_oneInUseDoesNot() throws Exception {
            String idle = session("acc-idle", EdgeToken.CUSTOMER);
            String busy = session("acc-busy", EdgeToken.CUSTOMER);
            try {
                // 20 minutes on, busy is used (and its access recorded); idle is not
                clock.moveAhead(Duration.ofMinutes(20));
                assertThat(send(bearer("/api/cart", busy)).statusCode()).isEqualTo(200);

                // 31 minutes after the start: idle has been idle for longer than 30 minutes, busy for 11
                clock.moveAhead(Duration.ofMinutes(11));
                assertProblem(send(bearer("/api/cart", idle)), 401, "/problems/unauthorized");
                assertThat(send(bearer("/api/cart", busy)).statusCode()).isEqualTo(200);
                assertThat(sessions.count("acc-idle")).isZero();
            } finally {
                clock.reset();
            }
        }

        @Test
        void anArchivedAccountsLogin_isRefusedAsArchived_aSuspendedOnesAsSuspended() throws Exception {
            HttpResponse<String> archived = login("arch@example.com", "right-password");
            HttpResponse<String> suspended = login("sue@example.com", "right-password");

            assertProblem(archived, 403, "/problems/account-archived");
            assertThat(json(archived).get("detail").toString()).contains("ARCHIVED");
            assertProblem(suspended, 403, "/problems/account-suspended");
        }

        @Test
        void accountsEvents_suspendedOrArchived_endTheAccountsSessions_otherEventsDoNot() throws Exception {
            String suspended = session("acc-k1", EdgeToken.CUSTOMER);
            String archived = session("acc-k2", EdgeToken.CUSTOMER);
            String confirmed = session("acc-k3", EdgeToken.CUSTOMER);

            accountEvents.on("AccountSuspended", null, "{\"accountId\":\"acc-k1\",\"reason\":\"fraud\"}".getBytes());
            accountEvents.on("AccountArchived", null, "{\"accountId\":\"acc-k2\"}".getBytes());
            accountEvents.on("AccountConfirmed", null, "{\"accountId\":\"acc-k3\"}".getBytes());
            accountEvents.on("AccountSuspended", null, "not json".getBytes());
            accountEvents.on("AccountSuspended", null, "{\"reason\":\"no account\"}".getBytes());
            // redelivered
            accountEvents.on("AccountSuspended", null, "{\"accountId\":\"acc-k1\",\"reason\":\"fraud\"}".getBytes());

            assertProblem(send(bearer("/api/cart", suspended)), 401, "/problems/unauthorized");
            assertProblem(send(bearer("/api/cart", archived)), 401, "/problems/unauthorized");
            assertThat(send(bearer("/api/cart", confirmed)).statusCode()).isEqualTo(200);
        }

        @Test
        void anEndingLearnedFromAccountsEvents_endsOnlySessionsCheckedBeforeIt() throws Exception {
            // given: sessions whose logins were checked at versions 2 and 5 of the account's stream
            String before = tokens.mintSession(new Caller("acc-v", "v@example.com", List.of(EdgeToken.CUSTOMER)),
                    sessions.open("acc-v", sessions.mark(), 2L)).token();
            String after = tokens.mintSession(new Caller("acc-v", "v@example.com", List.of(EdgeToken.CUSTOMER)),
                    sessions.open("acc-v", sessions.mark(), 5L)).token();
            long mark = sessions.mark();

            // when: the suspension at version 3 arrives late (the account was reactivated, and logged in again)
            accountEvents.on("AccountSuspended", 3L, "{\"accountId\":\"acc-v\",\"reason\":\"x\"}".getBytes());

            // then
            assertProblem(send(bearer("/api/cart", before)), 401, "/problems/unauthorized");
            assertThat(send(bearer("/api/cart", after)).statusCode()).isEqualTo(200);
            // and a login in flight since before it: refused if checked before version 3, not if checked after
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.open("acc-v", mark, 2L))
                    .isInstanceOf(Sessions.AccountSessionsEnded.class);
            assertThat(sessions.isLive(sessions.open("acc-v", mark, 4L), "acc-v")).isTrue();
            // an ending edge makes itself ends them all
            sessions.endAll("acc-v", Sessions.Ending.ARCHIVED);
            assertThat(sessions.count("acc-v")).isZero();
        }

        @Test
        void aLogin_keepsTheAccountVersionAccountsCheckedIt_at() throws Exception {
            String token = token(login("rita@example.com", "right-password"));
            // rita's login was checked at version 3: a late suspension at version 3 or before leaves it alone
            accountEvents.on("AccountSuspended", 3L, "{\"accountId\":\"acc-rita\",\"reason\":\"x\"}".getBytes());
            assertThat(send(bearer("/api/cart", token)).statusCode()).isEqualTo(200);
            accountEvents.on("AccountSuspended", 4L, "{\"accountId\":\"acc-rita\",\"reason\":\"x\"}".getBytes());
            assertProblem(send(bearer("/api/cart", token)), 401, "/problems/unauthorized");
        }

        private HttpRequest.Builder bearer(String path, String token) {
            return HttpRequest.newBuilder(edge(path)).header("Authorization", "Bearer " + token);
        }
    }

    @Nested
    class Resilience {

        @Test
        void unreachableService_is503Problem_withRetryAfter() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/orders/ord-1")));

            assertProblem(response, 503, "/problems/service-unavailable");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        }

        @Test
        void slowService_is504Problem() throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/inventory/SKU-SLOW")));

            assertProblem(response, 504, "/problems/gateway-timeout");
        }

        @Test
        void breakerOpensAfterFailures_andStaysOpenWhenTheServiceComesBack() throws Exception {
            // given: payments is down, and its breaker sees three failed calls
            for (int call = 0; call < 3; call++) {
                assertProblem(send(HttpRequest.newBuilder(edge("/api/payments/tokens"))), 503,
                        "/problems/service-unavailable");
            }

            // when: payments comes back
            PAYMENTS.start();
            HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/payments/tokens")));

            // then: the open breaker does not let calls through yet
            assertProblem(response, 503, "/problems/service-unavailable");
            assertThat(json(response).get("detail").toString()).contains("stops calling");
            assertThat(PAYMENTS.received()).isEmpty();
        }
    }

    // helpers

    HttpResponse<String> login(String email, String password) throws Exception {
        return send(HttpRequest.newBuilder(edge("/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")));
    }

    static String token(HttpResponse<String> login) {
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return (String) json(login).get("token");
    }


    /** Answers with what edge forwarded: the path, the services token and the CSRF token for the page's forms. */
    static void echoWithCsrf(com.sun.net.httpserver.HttpExchange exchange, StubService.Received request) throws IOException {
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("service", "web");
        answer.put("path", request.path());
        answer.put("authorization", request.authorization());
        answer.put("csrf", exchange.getRequestHeaders().getFirst("X-Eventshop-Csrf"));
        answer.put("body", request.body());
        StubService.respond(exchange, 200, "application/json", StubService.JSON.writeValueAsBytes(answer));
    }

    /**
     * The storefront through edge: pages go to web as the visitor, browser sessions live in an HttpOnly cookie that
     * names the same server-side session as an API token, every state change on a page needs the CSRF token edge
     * handed to web, and server-sent events stream through unbuffered.
     */
    @Nested
    class Storefront {

        /** A browser: its cookies, and the CSRF token the last page was given to render. */
        final class Browser {
            final java.net.CookieManager cookies = new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL);
            final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
            String csrf;

            HttpResponse<String> get(String path) throws Exception {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(edge(path)).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"csrf\"")) {
                    csrf = (String) json(response).get("csrf");
                }
                return response;
            }

            HttpResponse<String> post(String path, String form, String... headers) throws Exception {
                HttpRequest.Builder request = HttpRequest.newBuilder(edge(path)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form));
                if (headers.length > 0) {
                    request.headers(headers);
                }
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }

            HttpResponse<String> postWithCsrf(String path, String form, String... headers) throws Exception {
                get("/products");
                return post(path, form + "&_csrf=" + java.net.URLEncoder.encode(csrf, StandardCharsets.UTF_8), headers);
            }

            String cookie(String name) {
                return cookies.getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals(name))
                        .map(HttpCookie::getValue).findFirst().orElse(null);
            }
        }

        @Test
        void theCheckoutForm_beyondTheLimitInFlight_goesToWebMarkedOverloaded_andAClientsMarkIsRemoved()
                throws Exception {
            Browser browser = new Browser();
            int first = checkoutsAccepted.get() + 1;
            try {
                HttpResponse<String> unmarked = browser.postWithCsrf("/checkout", "name=Ada",
                        "X-Eventshop-Overloaded", "0");
                assertThat(unmarked.statusCode()).as(unmarked.body()).isEqualTo(200);
                assertThat(WEB.receivedOn("/checkout").getLast().header("X-Eventshop-Overloaded")).isNull();
                for (int i = admission.inFlight(); i < admission.limit(); i++) {
                    send(HttpRequest.newBuilder(edge("/api/cart/checkout")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")));
                }
                int inFlight = admission.inFlight();

                HttpResponse<String> refused = browser.postWithCsrf("/checkout", "name=Ada");

                assertThat(refused.statusCode()).isEqualTo(200); // web's answer: the stub echoes
                assertThat(WEB.receivedOn("/checkout").getLast().header("X-Eventshop-Overloaded")).isEqualTo("2");
                assertThat(admission.inFlight()).isEqualTo(inFlight);
            } finally {
                for (int i = first; i <= checkoutsAccepted.get(); i++) {
                    admission.settled("o-" + i, false);
                }
            }
        }

        @Test
        void pagesGoToWeb_asTheAnonymousVisitor_withACsrfTokenForTheirForms() throws Exception {
            Browser browser = new Browser();

            HttpResponse<String> page = browser.get("/products?q=lamp");

            assertThat(page.statusCode()).isEqualTo(200);
            Map<String, Object> forwarded = json(page);
            assertThat(forwarded).containsEntry("service", "web").containsEntry("path", "/products");
            assertThat(TestTokens.read(((String) forwarded.get("authorization")).substring(7)).getSubject())
                    .isEqualTo(EdgeToken.ANONYMOUS);
            assertThat((String) forwarded.get("csrf")).isNotBlank();
            assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                    .startsWith("XSRF-TOKEN=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
        }

        @Test
        void aClientsOwnCsrfHeader_isReplaced() throws Exception {
            HttpResponse<String> page = send(HttpRequest.newBuilder(edge("/products")).header("X-Eventshop-Csrf", "forged"));

            assertThat(json(page).get("csrf")).isNotEqualTo("forged");
        }

        @Test
        void aFormPostWithoutTheCsrfToken_isRefused_andNeverReachesWeb() throws Exception {
            int before = WEB.receivedOn("/cart/items").size();
            Browser browser = new Browser();
            browser.get("/products");

            HttpResponse<String> withoutToken = browser.post("/cart/items", "sku=SKU-1&quantity=1");
            HttpResponse<String> wrongToken = browser.post("/cart/items", "sku=SKU-1&quantity=1&_csrf=nope");

            assertProblem(withoutToken, 403, "/problems/csrf");
            assertProblem(wrongToken, 403, "/problems/csrf");
            assertThat(WEB.receivedOn("/cart/items")).hasSize(before);
        }

        @Test
        void aFormPostWithTheCsrfToken_reachesWeb() throws Exception {
            Browser browser = new Browser();

            HttpResponse<String> posted = browser.postWithCsrf("/cart/items", "sku=SKU-1&quantity=1");

            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat((String) json(posted).get("body")).contains("sku=SKU-1");
        }

        @Test
        void loggingInWithTheForm_setsAnHttpOnlySessionCookie_andPagesThenGoToWebAsTheCustomer() throws Exception {
            // given
            Browser browser = new Browser();

            // when
            HttpResponse<String> login = browser.postWithCsrf("/login",
                    "email=ann%40example.com&password=right-password&next=%2Forders");

            // then
            assertThat(login.statusCode()).isEqualTo(303);
            assertThat(login.headers().firstValue("Location")).hasValue("/orders");
            assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                    .startsWith("eventshop_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
            String sessionToken = browser.cookie("eventshop_session");
            assertThat(TestTokens.read(sessionToken).getAudience()).containsExactly(EdgeToken.SESSION_AUDIENCE);
            Map<String, Object> page = json(browser.get("/orders"));
            assertThat(TestTokens.read(((String) page.get("authorization")).substring(7)).getSubject()).isEqualTo("acc-ann");

            // and the same session works as an API bearer token, while the API ignores the cookie
            HttpResponse<String> api = send(HttpRequest.newBuilder(edge("/api/accounts/me"))
                    .header("Authorization", "Bearer " + sessionToken));
            assertThat(TestTokens.read(((String) json(api).get("authorization")).substring(7)).getSubject()).isEqualTo("acc-ann");
            HttpResponse<String> cookieOnApi = browser.get("/api/cart");
            assertThat(TestTokens.read(((String) json(cookieOnApi).get("authorization")).substring(7)).getSubject())
                    .isEqualTo(EdgeToken.ANONYMOUS);
        }

        @Test
        void aLoginFormRefusedForTooManyFailures_goesBackToTheLoginPage_sayingSo() throws Exception {
            Browser browser = new Browser();

            HttpResponse<String> login = browser.postWithCsrf("/login",
                    "email=guessed%40example.com&password=right-password&next=%2Forders");

            assertThat(login.statusCode()).isEqualTo(303);
            assertThat(login.headers().firstValue("Location").orElseThrow())
                    .startsWith("/login?").contains("error=too-many-login-attempts").contains("email=guessed%40example.com");
            assertThat(browser.cookie("eventshop_session")).isNull();
            Jwt edgeToken = TestTokens.read(ACCOUNTS.receivedOn("/internal/credentials/verify").getLast().bearerToken());
            assertThat(java.net.InetAddress.getByName(edgeToken.getClaimAsString(EdgeToken.CLIENT_ADDRESS))
                    .isLoopbackAddress()).isTrue();
        }

        @Test
        void aSignedInPagesCsrfToken_staysGood_whileThePageAndItsStreamMakeMoreRequests_andLoginRotatesIt() throws Exception {
            // given
            Browser browser = new Browser();
            browser.get("/products");
            String beforeLogin = browser.cookie("XSRF-TOKEN");
            browser.postWithCsrf("/login", "email=ann%40example.com&password=right-password");
            browser.get("/orders");
            String rendered = browser.csrf;

            // when: more requests of the same customer (the page's event stream, another tab)
            browser.http.send(HttpRequest.newBuilder(edge("/orders")).build(), HttpResponse.BodyHandlers.ofString());
            browser.http.send(HttpRequest.newBuilder(edge("/products")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> posted = browser.post("/cart/items", "sku=SKU-1&quantity=1&_csrf="
                    + java.net.URLEncoder.encode(rendered, StandardCharsets.UTF_8));

            // then
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            assertThat(TestTokens.read(((String) json(posted).get("authorization")).substring(7)).getSubject()).isEqualTo("acc-ann");
            assertThat(browser.cookie("XSRF-TOKEN")).isNotEqualTo(beforeLogin);
        }

        @Test
        void aRefusedLogin_goesBackToTheLoginPage_withTheProblemAndTheEmail_butNoSession() throws Exception {
            Browser browser = new Browser();

            HttpResponse<String> wrong = browser.postWithCsrf("/login", "email=ann%40example.com&password=wrong&next=%2Fcart");
            HttpResponse<String> suspended = browser.postWithCsrf("/login", "email=sue%40example.com&password=right-password");

            assertThat(wrong.statusCode()).isEqualTo(303);
            assertThat(wrong.headers().firstValue("Location")).hasValue(
                    "/login?error=invalid-credentials&email=ann%40example.com&next=%2Fcart");
            assertThat(suspended.headers().firstValue("Location")).hasValueSatisfying(
                    location -> assertThat(location).startsWith("/login?error=account-suspended"));
            assertThat(browser.cookie("eventshop_session")).isNull();
        }

        @Test
        void aLogin_neverSendsTheBrowserToAnotherSite() throws Exception {
            for (String next : List.of("%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example")) {
                HttpResponse<String> login = new Browser().postWithCsrf("/login",
                        "email=ann%40example.com&password=right-password&next=" + next);

                assertThat(login.headers().firstValue("Location")).hasValue("/");
            }
        }

        @Test
        void loggingOut_endsTheSession_andAnEndedSessionsCookieMakesTheVisitorAnonymous() throws Exception {
            // given
            Browser browser = new Browser();
            browser.postWithCsrf("/login", "email=ann%40example.com&password=right-password");
            String token = browser.cookie("eventshop_session");

            // when
            HttpResponse<String> logout = browser.postWithCsrf("/logout", "x=1");

            // then
            assertThat(logout.statusCode()).isEqualTo(303);
            assertThat(browser.cookie("eventshop_session")).isNull();
            HttpResponse<String> stale = send(HttpRequest.newBuilder(edge("/orders")).header("Cookie", "eventshop_session=" + token));
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(TestTokens.read(((String) json(stale).get("authorization")).substring(7)).getSubject())
                    .isEqualTo(EdgeToken.ANONYMOUS);
            assertThat(stale.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                    .startsWith("eventshop_session=;").contains("Max-Age=0"));
        }

        @Test
        void aServerSentEvent_reachesTheBrowserThroughEdge_withinOneSecond_whileTheStreamStaysOpen() throws Exception {
            // when
            HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(edge("/orders/o-1/live"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
            java.util.Iterator<String> lines = stream.body().iterator();
            String first = lines.next();
            String data = lines.next();
            long received = System.nanoTime();

            // then: the stub still holds the stream open, so only an unbuffered proxy can have delivered this
            assertThat(liveRelease.getCount()).isEqualTo(1);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(first).isEqualTo("event:order");
            assertThat(data).isEqualTo("data:placed");
            assertThat(Duration.ofNanos(received - liveSent.get())).isLessThan(Duration.ofSeconds(1));
            liveRelease.countDown();
            java.util.List<String> rest = new java.util.ArrayList<>();
            lines.forEachRemaining(rest::add);
            assertThat(rest).contains("data:reserved");
        }
    }

    @Nested
    class Admission {

        @Test
        void checkoutsBeyondTheLimitInFlight_are503Overloaded_atEdge_untilAnOrderSettles() throws Exception {
            int limit = admission.limit();
            int before = CARTS.receivedOn(CHECKOUT).size();
            int first = checkoutsAccepted.get() + 1;
            try {
                for (int i = 0; i < limit; i++) {
                    assertThat(checkout().statusCode()).isEqualTo(202);
                }

                HttpResponse<String> refused = checkout();

                assertProblem(refused, 503, "/problems/overloaded");
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
                assertThat(CARTS.receivedOn(CHECKOUT)).hasSize(before + limit);
                admission.settled("o-" + first, false);
                assertThat(checkout().statusCode()).isEqualTo(202);
                assertThat(CARTS.receivedOn(CHECKOUT)).hasSize(before + limit + 1);
            } finally {
                for (int i = first; i <= checkoutsAccepted.get(); i++) {
                    admission.settled("o-" + i, false);
                }
            }
            assertThat(admission.inFlight()).isZero();
        }

        @Test
        void otherCartCommands_areNotLimited() throws Exception {
            int first = checkoutsAccepted.get() + 1;
            try {
                for (int i = admission.inFlight(); i < admission.limit(); i++) {
                    checkout();
                }
                assertProblem(checkout(), 503, "/problems/overloaded");

                assertThat(send(HttpRequest.newBuilder(edge("/api/cart/items"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"SKU-1\",\"quantity\":1}")))
                        .statusCode()).isEqualTo(200);
            } finally {
                for (int i = first; i <= checkoutsAccepted.get(); i++) {
                    admission.settled("o-" + i, false);
                }
            }
        }

        private HttpResponse<String> checkout() throws Exception {
            return send(HttpRequest.newBuilder(edge(CHECKOUT))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
        }

        static final String CHECKOUT = "/api/cart/checkout";
    }

    URI edge(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** The whole answer to a request sent as it is, each character as one byte (Latin-1). */
    String raw(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> response) {
        return StubService.JSON.readValue(response.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object json) {
        return (List<Object>) json;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }

    static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        Map<String, Object> problem = json(response);
        assertThat(problem.get("type")).isEqualTo(type);
        assertThat(problem.get("status")).isEqualTo(status);
        assertThat(problem.get("title")).isNotNull();
        assertThat(problem.get("instance")).as("instance").isNotNull().isNotEqualTo("/error");
    }

    static void assertServicesToken(Jwt token, Instant notBefore) {
        assertThat(token.getClaimAsString("iss")).isEqualTo(EdgeToken.ISSUER);
        assertThat(token.getAudience()).containsExactly(EdgeToken.SERVICES_AUDIENCE);
        assertThat(token.getIssuedAt()).isAfterOrEqualTo(notBefore.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).isEqualTo(Duration.ofSeconds(60));
    }

    /** The query's parameters; their order is not kept by the gateway, and does not matter. */
    static java.util.Set<String> queryParameters(String query) {
        return query == null ? java.util.Set.of() : java.util.Set.of(query.split("&"));
    }

    static boolean isEdgeItself(String token) {
        return "edge".equals(TestTokens.read(token).getSubject());
    }

    static void verifyCredentials(com.sun.net.httpserver.HttpExchange exchange, StubService.Received request)
            throws IOException {
        Map<?, ?> credentials = StubService.JSON.readValue(request.body(), Map.class);
        String email = String.valueOf(credentials.get("email"));
        boolean right = "right-password".equals(credentials.get("password"));
        if (right && email.equals("ann@example.com")) {
            StubService.respond(exchange, 200, "application/json", "{\"accountId\":\"acc-ann\",\"email\":\"ann@example.com\","
                    + "\"name\":\"Ann\",\"role\":\"CUSTOMER\",\"status\":\"ACTIVE\"}");
        } else if (right && (email.equals("rita@example.com") || email.equals("race@example.com"))) {
            if (email.startsWith("race")) {
                duringVerify.run();
            }
            String id = email.startsWith("race") ? "acc-race" : "acc-rita";
            StubService.respond(exchange, 200, "application/json", "{\"accountId\":\"" + id + "\",\"email\":\""
                    + email + "\",\"name\":\"R\",\"role\":\"CUSTOMER\",\"status\":\"ACTIVE\",\"accountVersion\":3}");
        } else if (right && email.equals("arch@example.com")) {
            StubService.respond(exchange, 403, "application/problem+json", "{\"type\":\"/problems/account-archived\","
                    + "\"title\":\"Account archived\",\"status\":403,\"detail\":\"the account is ARCHIVED and cannot log in\"}");
        } else if (email.equals("guessed@example.com")) {
            exchange.getResponseHeaders().set("Retry-After", "42");
            StubService.respond(exchange, 429, "application/problem+json", "{\"type\":\"/problems/too-many-login-attempts\","
                    + "\"title\":\"Too many login attempts\",\"status\":429,\"detail\":\"too many failed logins; try again in 42 s\"}");
        } else if (right && email.equals("sue@example.com")) {
            StubService.respond(exchange, 403, "application/problem+json", "{\"type\":\"/problems/account-suspended\","
                    + "\"title\":\"Account suspended\",\"status\":403,\"detail\":\"the account is suspended\"}");
        } else {
            StubService.respond(exchange, 401, "application/problem+json", "{\"type\":\"/problems/invalid-credentials\","
                    + "\"title\":\"Invalid credentials\",\"status\":401}");
        }
    }
}
