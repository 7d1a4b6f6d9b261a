package eventshop.eventsourcing.security;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edgetoken.EdgeToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = ServiceSecurityTest.App.class,
        properties = {"eventshop.service-name=secured", "eventshop.eventstore.engine=memory",
                "eventshop.relay.enabled=false", "spring.datasource.url=jdbc:h2:mem:secured;DB_CLOSE_DELAY=-1",
                "management.endpoints.web.exposure.include=health,info,prometheus,metrics,eventstore",
                "management.endpoint.health.probes.enabled=true",
                // a test context turns metrics export off unless told otherwise: the Prometheus endpoint with it
                "management.prometheus.metrics.export.enabled=true",
                "eventshop.security.enabled=true", "eventshop.security.token-secret=" + ServiceSecurityTest.SECRET})
class ServiceSecurityTest {

    static final String SECRET = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";

    @SpringBootApplication
    static class App {
        @RestController
        static class Endpoints {
            @GetMapping("/api/public")
            Map<String, Object> open(EdgeUser user) {
                return Map.of("id", user.id(), "anonymous", user.isAnonymous());
            }

            @GetMapping("/api/mine")
            @PreAuthorize("hasRole('CUSTOMER')")
            Map<String, Object> mine(EdgeUser user) {
                return Map.of("id", user.id(), "email", user.email());
            }

            @GetMapping("/api/admin")
            @PreAuthorize("hasRole('ADMIN')")
            Map<String, Object> admin(EdgeUser user) {
                return Map.of("id", user.id());
            }
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    EdgeTokens tokens;

    private ResponseEntity<String> get(String path, String token) {
        return RestClient.create("http://localhost:" + port).get().uri(path)
                .headers(headers -> {
                    if (token != null) {
                        headers.setBearerAuth(token);
                    }
                })
                .exchange((request, response) -> ResponseEntity.status(response.getStatusCode())
                        .headers(response.getHeaders()).body(new String(response.getBody().readAllBytes())));
    }

    private static void assertProblem(ResponseEntity<String> response, HttpStatus status, String slug) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody()).contains("\"type\":\"/problems/" + slug + "\"");
    }

    @Nested
    class WithoutAValidToken {

        @Test
        void noToken_is401Problem_evenForPublicReads() {
            ResponseEntity<String> response = get("/api/public", null);
            assertProblem(response, HttpStatus.UNAUTHORIZED, "unauthorized");
            assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
        }

        @Test
        void garbage_tampered_expired_otherSecret_sessionAudience_areAll401() {
            String good = tokens.mint(EdgeUser.customer("acc-1", "a@example.com"));
            String tampered = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
            Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
            String expired = new EdgeTokens(Base64.getDecoder().decode(SECRET), past)
                    .mint(EdgeUser.customer("acc-1", "a@example.com"));
            String otherSecret = new EdgeTokens(new byte[32], Clock.systemUTC())
                    .mint(EdgeUser.customer("acc-1", "a@example.com"));
            String session = tokens.mint(EdgeUser.customer("acc-1", "a@example.com"), EdgeToken.SESSION_AUDIENCE,
                    Duration.ofHours(1));

            for (String token : new String[] {"not-a-jwt", tampered, expired, otherSecret, session}) {
                assertProblem(get("/api/mine", token), HttpStatus.UNAUTHORIZED, "unauthorized");
            }
        }
    }

    @Nested
    class WithAnEdgeToken {

        @Test
        void anonymous_canReadPublicEndpoints_butGets401WhereAnAccountIsNeeded() {
            String anonymous = tokens.mint(EdgeUser.ANONYMOUS);

            assertThat(get("/api/public", anonymous).getBody()).contains("\"anonymous\":true");
            assertProblem(get("/api/mine", anonymous), HttpStatus.UNAUTHORIZED, "unauthorized");
        }

        @Test
        void customer_isResolvedAsEdgeUser_andGets403AtAdminEndpoints() {
            String customer = tokens.mint(EdgeUser.customer("acc-1", "a@example.com"));

            ResponseEntity<String> mine = get("/api/mine", customer);
            assertThat(mine.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(mine.getBody()).contains("\"id\":\"acc-1\"").contains("\"email\":\"a@example.com\"");
            assertProblem(get("/api/admin", customer), HttpStatus.FORBIDDEN, "forbidden");
            assertProblem(get("/actuator/eventstore", customer), HttpStatus.FORBIDDEN, "forbidden");
        }

        @Test
        void admin_reachesAdminEndpointsAndOperations() {
            String admin = tokens.mint(new EdgeUser("adm", "admin@example.com", Set.of(EdgeToken.ADMIN)));

            assertThat(get("/api/admin", admin).getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(get("/actuator/eventstore", admin).getStatusCode()).isEqualTo(HttpStatus.OK);
        }

        @Test
        void health_isOpen() {
            assertThat(get("/actuator/health", null).getStatusCode()).isEqualTo(HttpStatus.OK);
        }
    }

    /** Least exposure: health (and the probes under it) for anyone, every other actuator endpoint for the admin only. */
    @Nested
    class Actuator {

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness"})
        void healthAndTheProbes_areOpen(String path) {
            assertThat(get(path, null).getStatusCode()).isEqualTo(HttpStatus.OK);
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"/actuator", "/actuator/info", "/actuator/prometheus",
                "/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/eventstore", "/actuator/env"})
        void everyOtherEndpoint_is401WithoutAnAccount_and403ForACustomer(String path) {
            ResponseEntity<String> none = get(path, null);
            assertProblem(none, HttpStatus.UNAUTHORIZED, "unauthorized");
            assertThat(none.getBody()).doesNotContain("jvm_", "jvm.memory");
            // edge's token for a caller without a session: no account, as without a token
            assertProblem(get(path, tokens.mint(EdgeUser.ANONYMOUS)), HttpStatus.UNAUTHORIZED, "unauthorized");
            ResponseEntity<String> customer = get(path, tokens.mint(EdgeUser.customer("acc-1", "a@example.com")));
            assertProblem(customer, HttpStatus.FORBIDDEN, "forbidden");
            assertThat(customer.getBody()).doesNotContain("jvm_", "jvm.memory");
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"/actuator/info", "/actuator/prometheus",
                "/actuator/metrics", "/actuator/eventstore"})
        void theAdmin_readsThem(String path) {
            String admin = tokens.mint(new EdgeUser("adm", "admin@example.com", Set.of(EdgeToken.ADMIN)));

            ResponseEntity<String> response = get(path, admin);

            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        }

        @Test
        void thePrometheusScrape_isTheMetricsForTheAdmin() {
            String admin = tokens.mint(new EdgeUser("adm", "admin@example.com", Set.of(EdgeToken.ADMIN)));

            assertThat(get("/actuator/prometheus", admin).getBody()).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void aShortOrMissingSecret_isAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EdgeTokens.fromBase64(null, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token-secret");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EdgeTokens.fromBase64("c2hvcnQ=", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }
}
