package eventshop.eventsourcing.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.blocking.client.BlockingLoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.client.RestClient;

/** {@link ServiceCalls} against a stub HTTP server: answers, failures, the breaker and the caller's token. */
class ServiceCallsTest {

    record Card(String token, String brand) {
    }

    private HttpServer server;
    private final AtomicReference<Handler> handler = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Map<String, List<String>>> seenHeaders = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> seenPaths = new ConcurrentLinkedQueue<>();

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    @BeforeEach
    void startTheStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seenHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            seenPaths.add(exchange.getRequestURI().getRawPath());
            handler.get().handle(exchange);
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stopTheStub() {
        server.stop(0);
        SecurityContextHolder.clearContext();
    }

    private ServiceCalls calls(Duration readTimeout, int minimumCalls) {
        ServiceCallsProperties properties = new ServiceCallsProperties(Duration.ofSeconds(1), readTimeout, 4,
                minimumCalls, 50, Duration.ofSeconds(30));
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new ServiceCalls(properties, new ServiceEndpoints(Map.of("payments", new ServiceEndpoints.Endpoint(url))),
                RestClient.builder(), CircuitBreakerRegistry.of(ServiceCalls.breakerConfig(properties)));
    }

    private ServiceClient payments() {
        return calls(Duration.ofSeconds(2), 4).client("payments");
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Nested
    class Answers {

        @Test
        void a2xx_isTheBody_readAsTheType() {
            handler.set(exchange -> answer(exchange, 200, "application/json", "{\"token\":\"tok_1\",\"brand\":\"VISA\"}"));

            Reply<Card> reply = payments().get("/api/payments/tokens/{token}", Card.class, "tok_1");

            assertThat(reply.is2xx()).isTrue();
            assertThat(reply.body()).isEqualTo(new Card("tok_1", "VISA"));
            assertThat(reply.problem()).isNull();
        }

        @Test
        void a404_isAnAnswer_withItsProblem_notAFailure() {
            handler.set(exchange -> answer(exchange, 404, "application/problem+json",
                    "{\"type\":\"/problems/card-not-found\",\"title\":\"Card not found\",\"status\":404,"
                            + "\"detail\":\"no such card\"}"));
            ServiceClient payments = payments();

            for (int i = 0; i < 10; i++) { // many more than the breaker's window: refusals never open it
                Reply<Card> reply = payments.get("/api/payments/tokens/{token}", Card.class, "tok_x");
                assertThat(reply.isNotFound()).isTrue();
                assertThat(reply.body()).isNull();
                assertThat(reply.problem()).isNotNull();
                assertThat(reply.problem().getType()).hasToString("/problems/card-not-found");
                assertThat(reply.detail()).isEqualTo("no such card");
            }
        }

        @Test
        void anErrorWithoutAProblemBody_stillAnswersItsStatus() {
            handler.set(exchange -> answer(exchange, 422, "text/plain", "nope"));

            Reply<Card> reply = payments().get("/x", Card.class);

            assertThat(reply.status()).isEqualTo(422);
            assertThat(reply.problem()).isNull();
            assertThat(reply.detail()).isEqualTo("status 422");
        }

        @Test
        void uriVariables_areEncoded_soAValueCannotChangeThePath() {
            handler.set(exchange -> answer(exchange, 404, "application/json", ""));

            payments().get("/api/payments/tokens/{token}", Card.class, "../../admin?x=1");

            assertThat(seenPaths).containsExactly("/api/payments/tokens/..%2F..%2Fadmin%3Fx%3D1");
        }

        @Test
        void aPost_sendsItsBodyAsJson() {
            AtomicReference<String> received = new AtomicReference<>();
            handler.set(exchange -> {
                received.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                answer(exchange, 201, "application/json", "{\"token\":\"tok_2\",\"brand\":\"AMEX\"}");
            });

            Reply<Card> reply = payments().post("/api/cards", Map.of("number", "1"), Card.class);

            assertThat(reply.status()).isEqualTo(201);
            assertThat(received.get()).isEqualTo("{\"number\":\"1\"}");
            assertThat(seenHeaders.peek().get("Content-type")).containsExactly("application/json");
        }

        @Test
        void putAndDelete_useTheirMethods() {
            java.util.List<String> methods = new java.util.concurrent.CopyOnWriteArrayList<>();
            handler.set(exchange -> {
                methods.add(exchange.getRequestMethod());
                answer(exchange, 204, "application/json", "");
            });
            ServiceClient payments = payments();

            assertThat(payments.put("/api/x/{id}", Map.of("quantity", 2), Void.class, "a").status()).isEqualTo(204);
            assertThat(payments.delete("/api/x/{id}", Void.class, "a").status()).isEqualTo(204);

            assertThat(methods).containsExactly("PUT", "DELETE");
        }

        @Test
        void requestHeaders_areSent_andTheAnswersHeaders_areInTheReply() {
            handler.set(exchange -> {
                exchange.getResponseHeaders().set("Consistency-Token", "carts:42");
                answer(exchange, 200, "application/json", "{\"token\":\"tok_1\",\"brand\":\"VISA\"}");
            });

            Reply<Card> reply = payments().exchange(org.springframework.http.HttpMethod.GET, "/api/x", null, Card.class,
                    headers -> headers.set("Consistency-Token", "orders:7"));

            assertThat(seenHeaders.peek().get("Consistency-token")).containsExactly("orders:7");
            assertThat(reply.header("Consistency-Token")).isEqualTo("carts:42");
        }

        @Test
        void extraHeaders_cannotReplaceTheCallersToken() {
            SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(Jwt.withTokenValue("the-callers")
                    .header("alg", "HS256").subject("c1").issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60))
                    .build()));
            handler.set(exchange -> answer(exchange, 204, "application/json", ""));

            payments().exchange(org.springframework.http.HttpMethod.GET, "/api/x", null, Void.class,
                    headers -> headers.setBearerAuth("forged"));

            assertThat(seenHeaders.peek().get("Authorization")).containsExactly("Bearer the-callers");
        }
    }

    @Nested
    class TheCaller {

        @Test
        void theRequestsServicesToken_isRelayed() {
            Jwt jwt = Jwt.withTokenValue("the-services-token").header("alg", "HS256").subject("ada")
                    .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).build();
            SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt));
            handler.set(exchange -> answer(exchange, 200, "application/json", "{}"));

            payments().get("/x", Card.class);

            assertThat(seenHeaders.peek().get("Authorization")).containsExactly("Bearer the-services-token");
        }

        @Test
        void withoutACaller_noAuthorizationIsSent() {
            handler.set(exchange -> answer(exchange, 200, "application/json", "{}"));

            payments().get("/x", Card.class);

            assertThat(seenHeaders.peek()).doesNotContainKey("Authorization");
        }
    }

    @Nested
    class Failures {

        @Test
        void a5xx_isServiceUnavailable() {
            handler.set(exchange -> answer(exchange, 500, "application/json", "{}"));

            assertThatThrownBy(() -> payments().get("/x", Card.class))
                    .isInstanceOf(ServiceUnavailable.class)
                    .hasMessageContaining("payments service answered with a server error (500)")
                    .satisfies(e -> assertThat(((ServiceUnavailable) e).service()).isEqualTo("payments"));
        }

        @Test
        void aServiceThatIsNotThere_cannotBeReached() throws IOException {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            ServiceCallsProperties properties = new ServiceCallsProperties(Duration.ofSeconds(1), Duration.ofSeconds(1),
                    4, 4, 50, Duration.ofSeconds(30));
            ServiceCalls calls = new ServiceCalls(properties, new ServiceEndpoints(Map.of("payments",
                    new ServiceEndpoints.Endpoint(URI.create("http://127.0.0.1:" + closedPort)))),
                    RestClient.builder(), CircuitBreakerRegistry.of(ServiceCalls.breakerConfig(properties)));

            assertThatThrownBy(() -> calls.client("payments").get("/x", Card.class))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining("cannot be reached");
        }

        @Test
        void aServiceDiscoveryListsNoInstanceOf_cannotBeReached() {
            ServiceCallsProperties properties = new ServiceCallsProperties(Duration.ofSeconds(1), Duration.ofSeconds(1),
                    4, 4, 50, Duration.ofSeconds(30));
            ReactiveLoadBalancer.Factory<ServiceInstance> noInstances = new ReactiveLoadBalancer.Factory<>() {
                @Override
                public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
                    return new RoundRobinLoadBalancer(ServiceInstanceListSuppliers.toProvider(serviceId), serviceId);
                }

                @Override
                public LoadBalancerProperties getProperties(String serviceId) {
                    return new LoadBalancerProperties();
                }

                @Override
                public <X> Map<String, X> getInstances(String name, Class<X> type) {
                    return Map.of();
                }

                @Override
                public <X> X getInstance(String name, Class<?> clazz, Class<?>... generics) {
                    return null;
                }
            };
            ServiceCalls calls = new ServiceCalls(properties, new ServiceEndpoints(Map.of("payments",
                    new ServiceEndpoints.Endpoint(URI.create("lb://payments")))), RestClient.builder(),
                    CircuitBreakerRegistry.of(ServiceCalls.breakerConfig(properties)),
                    new BlockingLoadBalancerClient(noInstances));

            assertThatThrownBy(() -> calls.client("payments").get("/x", Card.class))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining("cannot be reached")
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("No instances available for payments");
        }

        @Test
        void aSlowAnswer_timesOut() {
            handler.set(exchange -> {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 200, "application/json", "{}");
            });
            ServiceClient payments = calls(Duration.ofMillis(200), 4).client("payments");

            assertThatThrownBy(() -> payments.get("/x", Card.class))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining("did not answer in time");
        }

        @Test
        void anUnreadableAnswer_isServiceUnavailable() {
            handler.set(exchange -> answer(exchange, 200, "application/json", "{not json"));

            assertThatThrownBy(() -> payments().get("/x", Card.class))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining("cannot read");
        }

        @Test
        void enoughFailures_openTheBreaker_andThenTheServiceIsNotCalledAtAll() {
            handler.set(exchange -> answer(exchange, 503, "application/json", "{}"));
            ServiceClient payments = payments();
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> payments.get("/x", Card.class)).isInstanceOf(ServiceUnavailable.class);
            }
            int calledSoFar = seenPaths.size();

            assertThatThrownBy(() -> payments.get("/x", Card.class))
                    .isInstanceOf(ServiceUnavailable.class).hasMessageContaining("is not called for a while");
            assertThat(seenPaths).hasSize(calledSoFar);
        }

        @Test
        void aServiceWithoutAUrl_isAConfigurationError() {
            assertThatThrownBy(() -> calls(Duration.ofSeconds(1), 4).client("nowhere"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("eventshop.services.nowhere.url");
        }
    }
}
