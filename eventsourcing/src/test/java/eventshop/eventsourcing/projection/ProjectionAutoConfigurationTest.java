package eventshop.eventsourcing.projection;

import static eventshop.eventsourcing.projection.Ledger.deposit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventstore.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** The starter in a service context: runners started with the context, the ops endpoint, health, metrics, tokens over HTTP. */
@SpringBootTest(classes = LedgerApp.class, properties = {
        "eventshop.service-name=shop",
        "eventshop.eventstore.engine=memory",
        "eventshop.consistency.max-wait=200ms",
        "spring.datasource.url=jdbc:h2:mem:ledger-app;DB_CLOSE_DELAY=-1",
        "management.endpoints.web.exposure.include=health,projections",
        "management.endpoint.health.show-details=always"})
@AutoConfigureMockMvc
class ProjectionAutoConfigurationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Autowired
    MockMvcTester mvc;
    @Autowired
    EventStore store;
    @Autowired
    Projections projections;
    @Autowired
    Ledger ledger;

    @AfterEach
    void resume() {
        ledger.resume();
    }

    private void awaitCaughtUp() {
        await().atMost(PATIENCE).until(() -> projections.status("ledger").lag() == 0
                && projections.status("ledger").rebuild() == null);
    }

    @Test
    void projectionBeans_runWithTheContext_andQueriesHonourTokens() {
        long position = deposit(store, "dora", 7);

        assertThat(mvc.get().uri("/balances/dora").header(ConsistencyToken.HEADER, "shop:" + position))
                .hasStatusOk().bodyJson().extractingPath("$.TOTAL").asNumber().isEqualTo(7);
    }

    @Test
    void queryWithATokenTheReadModelHasNotReached_is503WithRetryAfter() {
        awaitCaughtUp();
        ledger.pause();
        long position = deposit(store, "erin", 1);

        assertThat(mvc.get().uri("/balances/erin").header(ConsistencyToken.HEADER, "shop:" + position))
                .hasStatus(HttpStatus.SERVICE_UNAVAILABLE).hasHeader("Retry-After", "1")
                .bodyJson().extractingPath("$.type").isEqualTo("/problems/not-yet-consistent");
    }

    @Test
    void tokenOfAnotherService_is400() {
        assertThat(mvc.get().uri("/balances/erin").header(ConsistencyToken.HEADER, "orders:3"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.type").isEqualTo("/problems/invalid-consistency-token");
    }

    @Test
    void opsEndpoint_listsProjectionsWithLag_andRebuildsOnPost() {
        deposit(store, "fred", 3);
        awaitCaughtUp();

        assertThat(mvc.get().uri("/actuator/projections")).hasStatusOk().bodyJson()
                .hasPathSatisfying("$[0].name", name -> assertThat(name).isEqualTo("ledger"))
                .hasPathSatisfying("$[0].lag", lag -> assertThat(lag).asNumber().isEqualTo(0))
                .hasPathSatisfying("$[0].head", head -> assertThat(head).asNumber().isEqualTo((int) store.headPosition()))
                .hasPathSatisfying("$[0].state", state -> assertThat(state).isEqualTo("RUNNING"));

        int generation = projections.tables("ledger").generation();
        assertThat(mvc.post().uri("/actuator/projections/ledger")).hasStatusOk().bodyJson()
                .hasPathSatisfying("$.rebuild.generation", next -> assertThat(next).asNumber().isEqualTo(generation + 1));
        await().atMost(PATIENCE).until(() -> projections.tables("ledger").generation() == generation + 1);
        awaitCaughtUp();
        assertThat(mvc.get().uri("/balances/fred")).hasStatusOk().bodyJson().extractingPath("$.TOTAL").asNumber()
                .isEqualTo(3);

        assertThat(mvc.get().uri("/actuator/projections/nothing")).hasStatus(HttpStatus.NOT_FOUND);
    }

    @Test
    void health_includesProjections_andReadinessWaitsForThem(@Autowired HealthEndpointGroups groups) {
        awaitCaughtUp();

        assertThat(groups.get("readiness").isMember("projectionsReadiness")).isTrue();
        assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
        assertThat(mvc.get().uri("/actuator/health/readiness")).hasStatusOk();
        assertThat(mvc.get().uri("/actuator/health")).hasStatusOk().bodyJson()
                .hasPathSatisfying("$.components.projections.status", up -> assertThat(up).isEqualTo("UP"))
                .hasPathSatisfying("$.components.projectionsReadiness.status", up -> assertThat(up).isEqualTo("UP"))
                .hasPathSatisfying("$.components.projections.details.ledger.lag", lag -> assertThat(lag).asNumber()
                        .isEqualTo(0));
    }

    @Test
    void lagAndPosition_areGauges(@Autowired MeterRegistry meters) {
        awaitCaughtUp();

        assertThat(meters.get("projection.lag").tag("projection", "ledger").gauge().value()).isZero();
        assertThat(meters.get("projection.position").tag("projection", "ledger").gauge().value())
                .isEqualTo(store.headPosition());
    }
}
