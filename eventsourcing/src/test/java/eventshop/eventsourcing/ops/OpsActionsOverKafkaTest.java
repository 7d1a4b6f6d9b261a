package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's service endpoints over HTTP, with edge tokens, in a service ({@link RelayTestApp}: relay, an
 * exactly-once consumer whose poison messages are parked on a real in-process broker, and a read model of the log)
 * sharing one broker and one context.
 */
class OpsActionsOverKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String SECRET = "ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=";
    private static final String BASE = "/api/ops/orders";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The relay and consumer test service, with a read model. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(RelayTestApp.class)
    static class App {
        @Bean
        Notes notes() {
            return new Notes();
        }
    }

    private static RelayTestApp.Running running;
    private static ConfigurableApplicationContext context;
    private static EventStore store;
    private static JdbcTemplate jdbc;
    private static String admin;
    private static String customer;

    @BeforeAll
    static void start() {
        running = RelayTestApp.startWithBroker(App.class, 1, "ops-actions", "spring.main.web-application-type=servlet",
                "eventshop.security.enabled=true", "eventshop.security.token-secret=" + SECRET);
        context = running.context();
        store = context.getBean(EventStore.class);
        jdbc = context.getBean(JdbcTemplate.class);
        EdgeTokens tokens = context.getBean(EdgeTokens.class);
        admin = tokens.mint(EdgeUser.admin("admin-1", "admin@example.com"));
        customer = tokens.mint(EdgeUser.customer("customer-1", "ada@example.com"));
    }

    @AfterAll
    static void stop() {
        if (running != null) {
            running.close();
        }
    }

    private static ResponseEntity<String> call(String method, String path, @Nullable String token,
                                               @Nullable String body) {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        RestClient.RequestBodySpec request = RestClient.create("http://localhost:" + port)
                .method(org.springframework.http.HttpMethod.valueOf(method)).uri(path)
                .headers(headers -> {
                    if (token != null) {
                        headers.setBearerAuth(token);
                    }
                });
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return request.exchange((req, response) -> ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders()).body(new String(response.getBody().readAllBytes())));
    }

    private static JsonNode ok(String method, String path, @Nullable String body, HttpStatus expected) {
        ResponseEntity<String> response = call(method, path, admin, body);
        assertThat(response.getStatusCode()).as(method + " " + path + ": " + response.getBody()).isEqualTo(expected);
        return JSON.readTree(response.getBody());
    }

    private static JsonNode get(String path) {
        return ok("GET", path, null, HttpStatus.OK);
    }

    private static void assertProblem(ResponseEntity<String> response, HttpStatus status) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /** The dead-letter topic's entry of {@code GET .../parked}. */
    private static JsonNode deadLetters() {
        for (JsonNode topic : get(BASE + "/parked")) {
            if (topic.get("topic").asString().equals(RelayTestApp.DEAD_LETTER_TOPIC)) {
                return topic;
            }
        }
        throw new AssertionError("no " + RelayTestApp.DEAD_LETTER_TOPIC + " in " + get(BASE + "/parked"));
    }

    /** The listed message whose event id is {@code eventId}, or null. */
    private static @Nullable JsonNode listed(UUID eventId) {
        for (JsonNode message : deadLetters().get("messages")) {
            if (eventId.toString().equals(message.get("headers").path(EventHeaders.EVENT_ID).asString(""))) {
                return message;
            }
        }
        return null;
    }

    /** Appends an event the consumer cannot handle (until the "fix") and waits until it is parked. */
    private static JsonNode parkPoison(String stream) {
        UUID poison = UUID.randomUUID();
        RelayTestApp.POISON.add(poison);
        RelayTestApp.append(store, stream, poison);
        await().atMost(PATIENCE).until(() -> listed(poison) != null);
        return listed(poison);
    }

    private static List<String> auditedActions() {
        List<String> actions = new ArrayList<>();
        store.read(OpsAudit.STREAM, 0).toIterable().forEach(event -> actions.add(
                JSON.readTree(event.data()).get("action").asString() + " " + JSON.readTree(event.data()).get("target")
                        .asString() + " " + JSON.readTree(event.data()).path("reason").asString("")));
        return actions;
    }

    @Nested
    class ParkedMessages {

        @Test
        void aPoisonMessage_isListedPending_replayedOnce_andAnotherDiscardedWithAReason_allAudited() {
            // given a poison message, parked after its retries
            JsonNode poison = parkPoison("ops-poison-0");
            String id = poison.get("id").asString();
            assertThat(poison.get("status").asString()).isEqualTo("PENDING");
            assertThat(poison.get("data").get("stream").asString()).isEqualTo("ops-poison-0");
            assertThat(poison.has("payload")).isFalse();
            assertThat(poison.get("error").asString()).contains("cannot handle ItemAdded");
            assertThat(deadLetters().get("pending").asLong()).isEqualTo(1);

            // when the bug is fixed and it is replayed
            UUID eventId = UUID.fromString(poison.get("headers").get(EventHeaders.EVENT_ID).asString());
            RelayTestApp.POISON.remove(eventId);
            JsonNode replayed = ok("POST", BASE + "/parked/replay", "{\"id\":\"" + id + "\"}", HttpStatus.OK);

            // then it is applied once, counted replayed, and a second replay is refused
            assertThat(replayed.get("status").asString()).isEqualTo("REPLAYED");
            assertThat(replayed.get("handledBy").asString()).isEqualTo("admin@example.com");
            await().atMost(PATIENCE).until(() -> RelayTestApp.effectsOf(jdbc, eventId) == 1);
            JsonNode counts = deadLetters();
            assertThat(counts.get("pending").asLong()).isZero();
            assertThat(counts.get("replayed").asLong()).isEqualTo(1);
            ResponseEntity<String> again = call("POST", BASE + "/parked/replay", admin, "{\"id\":\"" + id + "\"}");
            assertProblem(again, HttpStatus.CONFLICT);
            assertThat(again.getBody()).contains("already replayed at");

            // when another is discarded, without a reason and then with one
            JsonNode other = parkPoison("ops-poison-1");
            String otherId = other.get("id").asString();
            assertProblem(call("POST", BASE + "/parked/discard", admin, "{\"id\":\"" + otherId + "\"}"),
                    HttpStatus.UNPROCESSABLE_CONTENT);
            JsonNode discarded = ok("POST", BASE + "/parked/discard",
                    "{\"id\":\"" + otherId + "\",\"reason\":\"a test order; nothing to redo\"}", HttpStatus.OK);

            // then it is discarded, never replayed, and every action is in the service's log
            assertThat(discarded.get("status").asString()).isEqualTo("DISCARDED");
            assertThat(discarded.get("discardReason").asString()).isEqualTo("a test order; nothing to redo");
            assertProblem(call("POST", BASE + "/parked/replay", admin, "{\"id\":\"" + otherId + "\"}"),
                    HttpStatus.CONFLICT);
            assertThat(deadLetters().get("discarded").asLong()).isEqualTo(1);
            assertThat(deadLetters().get("pending").asLong()).isZero();
            assertThat(auditedActions()).contains("replay " + id + " ",
                    "discard " + otherId + " a test order; nothing to redo");
            assertThat(get(BASE + "/audit").toString()).contains("\"action\":\"discard\"",
                    "\"reason\":\"a test order; nothing to redo\"");
        }

        @Test
        void replayAll_isAJob_thatReplaysThePendingOnes_andIsFollowedByItsId() {
            // given two parked messages whose bug is fixed
            List<UUID> fixed = new ArrayList<>();
            for (String stream : List.of("ops-all-0", "ops-all-1")) {
                JsonNode parked = parkPoison(stream);
                fixed.add(UUID.fromString(parked.get("headers").get(EventHeaders.EVENT_ID).asString()));
            }
            fixed.forEach(RelayTestApp.POISON::remove);

            // when
            JsonNode job = ok("POST", BASE + "/parked/replay-all",
                    "{\"topic\":\"" + RelayTestApp.DEAD_LETTER_TOPIC + "\",\"chunk\":1}", HttpStatus.ACCEPTED);

            // then
            String jobPath = BASE + "/parked/jobs/" + job.get("id").asString();
            await().atMost(PATIENCE).until(() -> !get(jobPath).get("state").asString().equals("RUNNING"));
            JsonNode done = get(jobPath);
            assertThat(done.get("state").asString()).isEqualTo("DONE");
            assertThat(done.get("total").asLong()).isEqualTo(2);
            assertThat(done.get("done").asLong()).isEqualTo(2);
            await().atMost(PATIENCE).until(() -> fixed.stream().allMatch(id -> RelayTestApp.effectsOf(jdbc, id) == 1));
            assertThat(deadLetters().get("pending").asLong()).isZero();
            assertProblem(call("GET", BASE + "/parked/jobs/no-such-job", admin, null), HttpStatus.NOT_FOUND);
            assertProblem(call("POST", BASE + "/parked/replay-all", admin, "{\"topic\":\"orders.events\"}"),
                    HttpStatus.NOT_FOUND);
        }
    }

    @Nested
    class ReadModels {

        @Test
        void areListedWithRates_theirReplicasCompared_andRebuiltOnConfirmation() {
            assertThat(get(BASE + "/projections")).singleElement().satisfies(notes -> {
                assertThat(notes.get("name").asString()).isEqualTo(Notes.NAME);
                assertThat(notes.has("rate")).isTrue();
                assertThat(notes.has("remainingSeconds")).isTrue();
            });
            JsonNode replicas = get(BASE + "/projections/notes/replicas");
            assertThat(replicas.get("converged").asBoolean()).isTrue();
            assertThat(replicas.get("replicas").get(0).get("role").asString()).isEqualTo("ACTIVE");
            assertThat(replicas.get("replicas").get(0).get("sha256").asString()).hasSize(64);

            long events = get(BASE + "/projections/notes/rebuild").get("events").asLong();
            assertThat(events).isEqualTo(store.headPosition() + 1);
            assertProblem(call("POST", BASE + "/projections/notes/rebuild", admin, "{}"),
                    HttpStatus.UNPROCESSABLE_CONTENT);
            assertProblem(call("POST", BASE + "/projections/nothing/rebuild", admin, "{\"confirm\":1}"),
                    HttpStatus.NOT_FOUND);
            JsonNode rebuilding = ok("POST", BASE + "/projections/notes/rebuild", "{\"confirm\":" + events + "}",
                    HttpStatus.ACCEPTED);
            assertThat(rebuilding.get("name").asString()).isEqualTo(Notes.NAME);
            assertThat(auditedActions()).contains("rebuild notes ");
        }
    }

    @Nested
    class Overview {

        @Test
        void showsTheLogTheRelayTheConsumersTheReadModelsAndTheParkedCounts() {
            RelayTestApp.append(store, "ops-overview-0");

            JsonNode overview = get(BASE + "/overview");

            assertThat(overview.get("service").asString()).isEqualTo("orders");
            assertThat(overview.get("head").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(overview.get("at").asString()).isNotEmpty();
            assertThat(overview.get("rate").isArray()).isTrue();
            assertThat(overview.get("relay").get("state").asString()).isEqualTo("RUNNING");
            assertThat(overview.get("consumers")).singleElement().satisfies(lag -> {
                assertThat(lag.get("group").asString()).isEqualTo(RelayTestApp.GROUP);
                assertThat(lag.get("partitions").isArray()).isTrue();
            });
            assertThat(overview.get("projections")).singleElement()
                    .satisfies(notes -> assertThat(notes.get("name").asString()).isEqualTo(Notes.NAME));
            assertThat(overview.get("parked").isArray()).isTrue();
            for (JsonNode parked : overview.get("parked")) {
                assertThat(parked.has("topic")).isTrue();
                assertThat(parked.has("pending")).isTrue();
            }
        }
    }

    @Nested
    class Authorization {

        @Test
        void theAdminMayLook_aCustomerGets403_andNoTokenGets401() {
            for (String path : List.of("/overview", "/parked", "/projections", "/projections/notes/replicas",
                    "/projections/notes/rebuild")) {
                assertThat(call("GET", BASE + path, admin, null).getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
                assertProblem(call("GET", BASE + path, customer, null), HttpStatus.FORBIDDEN);
                assertProblem(call("GET", BASE + path, null, null), HttpStatus.UNAUTHORIZED);
            }
            for (String path : List.of("/parked/replay", "/parked/discard", "/parked/replay-all",
                    "/projections/notes/rebuild", "/parked/jobs/any/stop")) {
                assertProblem(call("POST", BASE + path, customer, "{}"), HttpStatus.FORBIDDEN);
                assertProblem(call("POST", BASE + path, null, "{}"), HttpStatus.UNAUTHORIZED);
            }
        }
    }
}
