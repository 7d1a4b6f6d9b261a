package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.example.Tab;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's log endpoints over HTTP, as a service serves them: edge tokens required, the admin role for all
 * of them, problems for what is wrong. One service {@code bar} with a registered {@code tab} aggregate.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = OpsLogWebTest.App.class,
        properties = {"eventshop.service-name=bar", "eventshop.eventstore.engine=memory",
                "eventshop.relay.enabled=false", "spring.datasource.url=jdbc:h2:mem:ops-log-web;DB_CLOSE_DELAY=-1",
                "management.endpoints.web.exposure.include=health,eventstore",
                "eventshop.security.enabled=true", "eventshop.security.token-secret=" + OpsLogWebTest.SECRET})
class OpsLogWebTest {

    static final String SECRET = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EdgeUser ADMIN = EdgeUser.admin("admin-1", "admin@example.com");
    private static final EdgeUser CUSTOMER = EdgeUser.customer("acc-1", "ada@example.com");

    /** Auto-configuration only: no component scan, which would pick up the other test applications of this package. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs(EventStore store) {
            return CommandHandler.builder("bar", store, Tab.DECIDER, JsonEventCodec.of(Tab.Event.class)).build();
        }

        @Bean
        OpsAggregate tabAggregate(CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs) {
            return new OpsAggregate("tab", "tab-", tabs);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    EdgeTokens tokens;

    @Autowired
    EventStore store;

    @Autowired
    CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs;

    /** The tab's position in the log, and the position of an event with personal data. */
    private long tabOpened;
    private long registered;
    private final String tab = "tab-" + UUID.randomUUID();

    @BeforeEach
    void given() {
        CommandContext context = new CommandContext(UUID.randomUUID(), "corr-" + tab, "acc-1", Map.of());
        tabOpened = tabs.handle(tab, new Tab.OpenTab(tab), context).token().position();
        tabs.handle(tab, new Tab.AddItem("tea", 250), context);
        registered = store.append("member-" + tab, ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(),
                "Registered", "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8),
                new Metadata("corr-" + tab, "", "acc-1", Instant.now(), 1, Map.of())))).position();
    }

    private ResponseEntity<String> call(HttpMethod method, String path, EdgeUser user, String body) {
        return RestClient.create("http://localhost:" + port).method(method).uri(path)
                .headers(headers -> {
                    if (user != null) {
                        headers.setBearerAuth(tokens.mint(user));
                    }
                    if (body != null) {
                        headers.setContentType(MediaType.APPLICATION_JSON);
                    }
                })
                .body(body == null ? "" : body)
                .exchange((request, response) -> ResponseEntity.status(response.getStatusCode())
                        .headers(response.getHeaders()).body(new String(response.getBody().readAllBytes(),
                                StandardCharsets.UTF_8)));
    }

    private ResponseEntity<String> get(String path, EdgeUser user) {
        return call(HttpMethod.GET, path, user, null);
    }

    private static JsonNode json(ResponseEntity<String> response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        return JSON.readTree(response.getBody());
    }

    private static void assertProblem(ResponseEntity<String> response, HttpStatus status, String slug) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody()).contains("\"type\":\"/problems/" + slug + "\"");
    }

    private List<String> paths() {
        return List.of("/api/ops/bar/events", "/api/ops/bar/events/" + tabOpened, "/api/ops/bar/streams/" + tab,
                "/api/ops/bar/correlations/corr-" + tab);
    }

    @Nested
    class Authorization {

        @Test
        void theAdmin_getsEveryEndpoint() {
            for (String path : paths()) {
                assertThat(get(path, ADMIN).getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
            }
        }

        @Test
        void aCustomer_isForbidden() {
            long audited = store.streamVersion(OpsAudit.STREAM);
            for (String path : paths()) {
                assertProblem(get(path, CUSTOMER), HttpStatus.FORBIDDEN, "forbidden");
            }
            assertProblem(call(HttpMethod.POST, "/api/ops/bar/events/" + registered + "/unmask", CUSTOMER,
                    "{\"field\":\"/email\"}"), HttpStatus.FORBIDDEN, "forbidden");
            assertThat(store.streamVersion(OpsAudit.STREAM)).isEqualTo(audited);
        }

        @Test
        void noToken_isUnauthorized() {
            for (String path : paths()) {
                assertProblem(get(path, null), HttpStatus.UNAUTHORIZED, "unauthorized");
            }
            assertProblem(call(HttpMethod.POST, "/api/ops/bar/events/" + registered + "/unmask", null,
                    "{\"field\":\"/email\"}"), HttpStatus.UNAUTHORIZED, "unauthorized");
        }
    }

    @Nested
    class Answers {

        @Test
        void aPage_ofTheLog_asTheContractSaysIt() {
            JsonNode page = json(get("/api/ops/bar/events?stream=member-&correlation=corr-" + tab, ADMIN));

            assertThat(page.get("service").asString()).isEqualTo("bar");
            assertThat(page.get("head").asLong()).isEqualTo(store.headPosition());
            assertThat(page.has("scanned")).isTrue();
            assertThat(page.get("older").isNull()).isTrue();
            assertThat(page.get("newer").isNull()).isTrue();
            JsonNode event = page.get("events").get(0);
            assertThat(page.get("events").size()).isEqualTo(1);
            assertThat(event.get("position").asLong()).isEqualTo(registered);
            assertThat(event.get("type").asString()).isEqualTo("Registered");
            assertThat(event.get("correlationId").asString()).isEqualTo("corr-" + tab);
            assertThat(event.get("actingUser").asString()).isEqualTo("acc-1");
            assertThat(event.get("schemaVersion").asInt()).isEqualTo(1);
            assertThat(event.get("data").toString()).doesNotContain("ada@example.com", "Ada");
            assertThat(event.get("masked").toString()).isEqualTo("[\"/email\",\"/name\"]");
        }

        @Test
        void anEvent_withItsRecord_nullWithoutARelay() {
            JsonNode detail = json(get("/api/ops/bar/events/" + registered, ADMIN));

            assertThat(detail.get("event").get("streamId").asString()).isEqualTo("member-" + tab);
            assertThat(detail.get("record").isNull()).isTrue();
        }

        @Test
        void aStream_atAVersion_withItsState_andWhatChanged() {
            JsonNode stream = json(get("/api/ops/bar/streams/" + tab + "?version=1", ADMIN));

            assertThat(stream.get("aggregate").asString()).isEqualTo("tab");
            assertThat(stream.get("lastVersion").asLong()).isEqualTo(1);
            assertThat(stream.get("stateType").asString()).isEqualTo("Open");
            assertThat(stream.get("state").get("totalCents").asLong()).isEqualTo(250);
            assertThat(stream.get("previous").get("totalCents").asLong()).isZero();
            assertThat(stream.get("changes").toString()).contains("{\"path\":\"/totalCents\",\"before\":0,\"after\":250}");
            assertThat(stream.get("events").size()).isEqualTo(2);
        }

        @Test
        void aCorrelation_isEveryEventOfIt() {
            JsonNode correlation = json(get("/api/ops/bar/correlations/corr-" + tab, ADMIN));

            assertThat(correlation.get("service").asString()).isEqualTo("bar");
            assertThat(correlation.get("events").size()).isEqualTo(3);
            assertThat(correlation.get("events").get(0).get("event").get("position").asLong()).isEqualTo(tabOpened);
        }

        @Test
        void unmask_answersTheClearValue_andIsAudited() {
            JsonNode unmasked = json(call(HttpMethod.POST, "/api/ops/bar/events/" + registered + "/unmask", ADMIN,
                    "{\"field\":\"/email\"}"));

            assertThat(unmasked.get("value").asString()).isEqualTo("ada@example.com");
            assertThat(unmasked.get("field").asString()).isEqualTo("/email");
            JsonNode audit = json(get("/api/ops/bar/audit?limit=1", ADMIN)).get(0);
            assertThat(audit.get("type").asString()).isEqualTo("OpsActionTaken");
            assertThat(audit.get("streamId").asString()).isEqualTo(OpsAudit.STREAM);
            assertThat(audit.get("actingUser").asString()).isEqualTo("admin-1");
            assertThat(audit.get("data").get("action").asString()).isEqualTo("unmask");
            assertThat(audit.get("data").get("target").asString()).isEqualTo(registered + ":/email");
            assertThat(audit.get("data").get("by").asString()).isEqualTo("admin-1");
        }

        @Test
        void theActuatorsEventstore_showsEventsMasked_too() {
            String events = json(get("/actuator/eventstore/" + registered, ADMIN)).toString();

            assertThat(events).contains("\"masked\":[\"/email\",\"/name\"]").doesNotContain("ada@example.com");
        }
    }

    @Nested
    class Problems {

        @Test
        void malformedParameters_are400() {
            for (String query : new String[] {"after=1&before=2", "limit=0", "limit=500", "since=yesterday",
                    "after=-1", "before=x"}) {
                assertProblem(get("/api/ops/bar/events?" + query, ADMIN), HttpStatus.BAD_REQUEST, "invalid-request");
            }
            assertProblem(get("/api/ops/bar/events/-4", ADMIN), HttpStatus.BAD_REQUEST, "invalid-request");
            assertProblem(get("/api/ops/bar/streams/" + tab + "?version=2", ADMIN), HttpStatus.BAD_REQUEST,
                    "invalid-request");
        }

        @Test
        void unknownPositionsAndStreams_are404() {
            assertProblem(get("/api/ops/bar/events/99999", ADMIN), HttpStatus.NOT_FOUND, "not-found-in-ops");
            assertProblem(get("/api/ops/bar/streams/tab-none", ADMIN), HttpStatus.NOT_FOUND, "not-found-in-ops");
            assertProblem(call(HttpMethod.POST, "/api/ops/bar/events/99999/unmask", ADMIN, "{\"field\":\"/email\"}"),
                    HttpStatus.NOT_FOUND, "not-found-in-ops");
        }

        @Test
        void unmaskingAFieldThatIsNotMasked_isRefused_andNotAudited() {
            long audited = store.streamVersion(OpsAudit.STREAM);

            assertProblem(call(HttpMethod.POST, "/api/ops/bar/events/" + tabOpened + "/unmask", ADMIN,
                    "{\"field\":\"/tabId\"}"), HttpStatus.UNPROCESSABLE_CONTENT, "action-refused");
            assertProblem(call(HttpMethod.POST, "/api/ops/bar/events/" + registered + "/unmask", ADMIN, "{}"),
                    HttpStatus.BAD_REQUEST, "invalid-request");
            assertThat(store.streamVersion(OpsAudit.STREAM)).isEqualTo(audited);
        }
    }
}
