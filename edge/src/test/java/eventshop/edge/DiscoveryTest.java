package eventshop.edge;

import static eventshop.edge.EdgeTest.assertProblem;
import static eventshop.edge.EdgeTest.json;
import static eventshop.edge.EdgeTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Edge with every service at {@code lb://<service>}, as in the distributed topology, resolved by Spring Cloud
 * LoadBalancer over a discovery client that knows one instance of catalog and none of any other service (Spring
 * Cloud's simple discovery client in place of Eureka): a service discovery lists no instance of is unavailable, the
 * same 503 problem with {@code Retry-After} as a service that cannot be reached, for a routed call and for edge's
 * own call to accounts at login.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=edge",
        "eventshop.security.token-secret=" + TestTokens.SECRET,
        "eventshop.edge.resilience.open-state-wait=30s",
        "spring.datasource.url=jdbc:h2:mem:edge-discovery-test;DB_CLOSE_DELAY=-1",
        "eventshop.edge.sessions.follow-account-events=false", "eventshop.edge.admission.follow-order-events=false",
        "eventshop.edge.services.accounts=lb://accounts",
        "eventshop.edge.services.catalog=lb://catalog",
        "eventshop.edge.services.inventory=lb://inventory",
        "eventshop.edge.services.carts=lb://carts",
        "eventshop.edge.services.orders=lb://orders",
        "eventshop.edge.services.payments=lb://payments",
        "eventshop.edge.services.views=lb://views",
        "eventshop.edge.services.web=lb://web"})
class DiscoveryTest {

    static final StubService CATALOG = StubService.started("catalog");

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.catalog[0].uri", () -> CATALOG.uri().toString());
    }

    @AfterAll
    static void stopStub() {
        CATALOG.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    Resilience4JCircuitBreakerFactory breakers;

    @Test
    void aServiceWithAnInstance_isRoutedToIt() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/catalog/products/SKU-1")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response)).containsEntry("service", "catalog").containsEntry("path", "/api/catalog/products/SKU-1");
    }

    @Test
    void aRoutedCall_toAServiceWithNoInstance_is503Problem_withRetryAfter() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/orders/ord-1")));

        assertUnavailable(response, "orders");
        assertThat(send(HttpRequest.newBuilder(edge("/api/catalog/products/SKU-1"))).statusCode())
                .as("another service still routes").isEqualTo(200);
        assertThat(breakers.getCircuitBreakerRegistry().find("orders"))
                .as("the instance is chosen before the breaker is called").isEmpty();
    }

    @Test
    void login_whileAccountsHasNoInstance_is503Problem_withRetryAfter() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(edge("/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"ann@example.com\",\"password\":\"right-password\"}")));

        assertUnavailable(response, "accounts");
        assertNoFailureCounted("accounts");
    }

    private static void assertUnavailable(HttpResponse<String> response, String service) {
        assertProblem(response, 503, "/problems/service-unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(json(response).get("detail").toString()).startsWith("the " + service + " service ");
    }

    /** No instance is not a failure of the service's: the breaker the call went through counted none. */
    private void assertNoFailureCounted(String service) {
        assertThat(breakers.getCircuitBreakerRegistry().find(service)).hasValueSatisfying(breaker ->
                assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero());
    }

    URI edge(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }
}
