package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.site.Csrf;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * What the operations console's tests share: the real web application (one context for all of them) against stub
 * services and a stub edge on one real HTTP server, tokens for the admin, a customer and a visitor, and the JSON
 * the services' ops endpoints answer (docs/operations.md). The breakers of web's service calls are kept from
 * opening (the tests make services fail on purpose); live streams are polled every 300 ms.
 */
@SpringBootTest(properties = {"spring.config.name=web",
        "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
        "spring.cloud.function.definition=", "spring.cloud.stream.function.autodetect=false",
        "eventshop.web.heartbeat=1h", "eventshop.web.ops.live-every=300ms", "eventshop.calls.minimum-calls=100000"})
@AutoConfigureMockMvc
abstract class OpsFixture {

    /** Shared by every console test class (and their one context); the JVM's end stops it. */
    static final StubServices SERVICES = new StubServices();
    static final String CSRF = "csrf-token-from-edge";
    static final List<String> SERVICE_NAMES = List.of("accounts", "catalog", "inventory", "carts", "orders", "payments",
            "views");

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        SERVICES.standInForEveryService(registry);
        registry.add("eventshop.services.edge.url", SERVICES::url);
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    EdgeTokens tokens;

    final EdgeUser admin = EdgeUser.admin("admin-" + UUID.randomUUID(), "admin@example.com");
    final EdgeUser customer = EdgeUser.customer("c-" + UUID.randomUUID(), "ada@example.com");

    @BeforeEach
    void resetServices() {
        SERVICES.reset();
    }

    MockHttpServletRequestBuilder as(EdgeUser user, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + tokens.mint(user)).header(Csrf.HEADER, CSRF);
    }

    MockHttpServletResponse call(EdgeUser user, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(as(user, request)).andReturn().getResponse();
    }

    /** The last {@code METHOD path...} request, once checked that it carried the admin's services token. */
    StubServices.Request sentAsTheAdmin(String method, String pathStart) {
        StubServices.Request sent = SERVICES.last(method, pathStart);
        String token = sent.header("Authorization").substring("Bearer ".length());
        assertThat(EdgeTokens.user(tokens.decoder(EdgeToken.SERVICES_AUDIENCE).decode(token)).id()).isEqualTo(admin.id());
        return sent;
    }

    /** Every service's overview healthy, and edge's breakers closed. */
    static void everyServiceHealthy() {
        for (String service : SERVICE_NAMES) {
            SERVICES.answer("GET /api/ops/" + service + "/overview", overview(service, 1234, 4, 0));
        }
        SERVICES.answer("GET /internal/ops/breakers", breakers("CLOSED", 0.0));
    }

    // ---- the services' JSON, as docs/operations.md gives it

    static String overview(String service, long head, long relayLag, long parked) {
        return """
                {"service":"%1$s","at":"2026-12-07T02:00:00Z","head":%2$d,
                 "rate":[{"at":"2026-12-07T01:59:57Z","events":3},{"at":"2026-12-07T01:59:58Z","events":7},
                         {"at":"2026-12-07T01:59:59Z","events":40},{"at":"2026-12-07T02:00:00Z","events":12}],
                 "relay":{"state":"RUNNING","position":%3$d,"checkpoint":%3$d,"head":%2$d,"lag":%4$d,"inFlight":2,
                          "published":%3$d,"lastError":null,"lastErrorAt":null},
                 "consumers":[{"binding":"orderSteps-in-0","group":"%1$s-checkout","topic":"orders.events","lag":3,
                               "partitions":[{"partition":0,"committed":17,"end":20,"lag":3,"processed":17,"assigned":true}]}],
                 "projections":[%5$s],
                 "parked":[{"topic":"orders.events.%1$s.dlq","pending":%6$d}]}
                """.formatted(service, head, head - relayLag, relayLag, projection(service + "-view", "RUNNING", true, 812, 2, null),
                parked);
    }

    static String projection(String name, String state, boolean ready, long checkpoint, int generation,
                             String rebuild) {
        return """
                {"name":"%s","state":"%s","ready":%s,"head":%d,"lag":0,"appliedBySource":{},
                 "active":{"generation":%d,"tables":["t_%d"],"state":"RUNNING","checkpoint":%d,"lag":0,"failures":0,
                           "lastError":null,"lastErrorAt":null,"failingPosition":null,"processed":10,"skipped":0,
                           "target":%d,"reached":%d,"progress":1.0,"partitions":[]},
                 "rebuild":%s,"rate":120.0,"remainingSeconds":%s}
                """.formatted(name, state, ready, checkpoint, generation, generation, checkpoint, checkpoint, checkpoint,
                rebuild == null ? "null" : rebuild, rebuild == null ? "null" : "12.4");
    }

    static String generation(int generation, long reached, long target) {
        return """
                {"generation":%d,"tables":["t_%d"],"state":"RUNNING","checkpoint":%d,"lag":%d,"failures":0,
                 "lastError":null,"target":%d,"reached":%d,"progress":%s,"partitions":[]}
                """.formatted(generation, generation, reached, target - reached, target, reached,
                Double.toString((double) reached / target));
    }

    static String breakers(String paymentsState, double failureRate) {
        return """
                [{"route":"orders","state":"CLOSED","failureRate":-1.0,"slowCallRate":-1.0,"bufferedCalls":3,"failedCalls":0,"notPermittedCalls":0},
                 {"route":"payments","state":"%s","failureRate":%s,"slowCallRate":0.0,"bufferedCalls":20,"failedCalls":12,"notPermittedCalls":5}]
                """.formatted(paymentsState, Double.toString(failureRate));
    }

    /** An event as the services list it; {@code data} is JSON. */
    static String event(long position, String stream, long version, String type, String eventId, String at,
                        String correlation, String causation, String data, String... masked) {
        return """
                {"position":%d,"streamId":"%s","version":%d,"type":"%s","eventId":"%s","recordedAt":"%s",
                 "correlationId":%s,"causationId":%s,"actingUser":"c-1","schemaVersion":1,
                 "headers":{"traceparent":"00-abc-def-01"},"data":%s,"masked":[%s]}
                """.formatted(position, stream, version, type, eventId, at, quoted(correlation), quoted(causation), data,
                Arrays.stream(masked).map(OpsFixture::quoted).collect(Collectors.joining(",")));
    }

    static String record(String topic, int partition, long offset) {
        return "{\"topic\":\"" + topic + "\",\"partition\":" + partition + ",\"offset\":" + offset
                + ",\"timestamp\":\"2026-12-07T02:00:00Z\"}";
    }

    static String withRecord(String event, String record) {
        return "{\"event\":" + event + ",\"record\":" + record + "}";
    }

    static String correlation(String service, String... eventsWithRecords) {
        return "{\"service\":\"" + service + "\",\"events\":[" + String.join(",", eventsWithRecords) + "]}";
    }

    static String quoted(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }
}
