package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.live.LiveStreams;
import eventshop.web.site.Csrf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The console's live pages: while a stream is open, what it shows is read again every tick (300 ms here) as the
 * admin who opened it, and sent as a fresh fragment; a stream ends before its token expires (the browser reconnects
 * through edge with a new one).
 */
class OpsLiveTest extends OpsFixture {

    static final Duration PATIENCE = Duration.ofSeconds(10);

    @Autowired
    LiveStreams streams;

    final List<MvcResult> open = new ArrayList<>();

    @AfterEach
    void endTheStreams() {
        open.forEach(stream -> stream.getRequest().getAsyncContext().complete());
        await().atMost(PATIENCE).until(() -> streams.watching("ops:overview") + streams.watching("ops:read-models") == 0);
    }

    MockHttpServletResponse stream(EdgeUser user, String path) throws Exception {
        MvcResult result = mvc.perform(as(user, get(path))).andReturn();
        open.add(result);
        return result.getResponse();
    }

    static String sent(MockHttpServletResponse response) throws Exception {
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void theOverviewStream_sendsTheOverviewAtOnce_thenAFreshOneEveryTick() throws Exception {
        // given
        everyServiceHealthy();

        // when
        MockHttpServletResponse response = stream(admin, "/ops/live");

        // then: the first fragment at once
        assertThat(response.getContentType()).startsWith("text/event-stream");
        await().atMost(PATIENCE).until(() -> sent(response).contains("event:ops"));
        assertThat(sent(response)).contains("id=\"overview-live\"", "id=\"service-orders\"", "1,230 of 1,234");

        // when: orders' relay falls behind
        SERVICES.answer("GET /api/ops/orders/overview", overview("orders", 9_000, 2_500, 0));

        // then: the next tick says so, without the page asking
        await().atMost(PATIENCE).until(() -> sent(response).contains("orders: relay lag 2,500"));
        assertThat(sent(response).split("event:ops", -1).length).isGreaterThan(2);
        sentAsTheAdmin("GET", "/api/ops/orders/overview"); // polled as the admin who opened the stream
    }

    @Test
    void twoViewers_getTheSameFragments_fromOnePollPerTick() throws Exception {
        // given: two admins watching
        everyServiceHealthy();
        MockHttpServletResponse first = stream(admin, "/ops/live");
        MockHttpServletResponse second = stream(EdgeUser.admin("admin-2", "ops@example.com"), "/ops/live");
        await().atMost(PATIENCE).until(() -> events(first) > 1 && events(second) > 1);

        // when: some ticks go by
        SERVICES.reset();
        everyServiceHealthy();
        int before = events(first);
        await().atMost(PATIENCE).until(() -> events(first) >= before + 4);
        int sent = events(first) - before;

        // then: each tick asked orders once for both (a poll may be under way at either end), not once per viewer
        long asked = SERVICES.requests().stream().filter(r -> r.uri().equals("/api/ops/orders/overview")).count();
        assertThat(asked).isBetween((long) sent - 2, (long) sent + 2);
        assertThat(events(second)).isGreaterThanOrEqualTo(before + 2);
    }

    static int events(MockHttpServletResponse response) throws Exception {
        return sent(response).split("event:ops", -1).length - 1;
    }

    @Test
    void theReadModelsStream_showsARebuildsProgress_thenItsSwitchOver() throws Exception {
        // given: a rebuild of generation 3 at 45%
        SERVICES.answer("GET /api/ops/views/projections", "[" + projection("order-history", "REBUILDING", true, 812, 2,
                generation(3, 450, 1000)) + "]");
        SERVICES.answer("GET /api/ops/views/projections/order-history/replicas", """
                {"name":"order-history","replicas":[{"generation":2,"role":"ACTIVE","checkpoint":812,"rows":40,"sha256":"aa"},
                 {"generation":3,"role":"REBUILD","checkpoint":450,"rows":22,"sha256":"bb"}],"converged":false}""");
        MockHttpServletResponse response = stream(admin, "/ops/live/read-models");
        await().atMost(PATIENCE).until(() -> sent(response).contains("45%, 450 of 1,000 events"));

        // when: the rebuild catches up and takes over
        SERVICES.answer("GET /api/ops/views/projections", "[" + projection("order-history", "RUNNING", true, 1000, 3, null) + "]");
        SERVICES.answer("GET /api/ops/views/projections/order-history/replicas", """
                {"name":"order-history","replicas":[{"generation":3,"role":"ACTIVE","checkpoint":1000,"rows":40,"sha256":"aa"}],
                 "converged":true}""");

        // then
        await().atMost(PATIENCE).until(() -> sent(response).contains("switched over from generation 2 to 3"));
        assertThat(sent(response)).contains("id=\"read-models-live\"", "3 active");
    }

    @Test
    void theJobStream_followsAReplayAllToItsEnd() throws Exception {
        SERVICES.answer("GET /api/ops/payments/parked/jobs/job-7", """
                {"id":"job-7","topic":"t","total":10,"done":4,"state":"RUNNING","error":null}""");
        MockHttpServletResponse response = stream(admin, "/ops/live/parked/payments/jobs/job-7");
        await().atMost(PATIENCE).until(() -> sent(response).contains("4 of 10"));
        assertThat(sent(response)).contains("Stop after this chunk", "value=\"" + CSRF + "\"");

        SERVICES.answer("GET /api/ops/payments/parked/jobs/job-7", """
                {"id":"job-7","topic":"t","total":10,"done":10,"state":"DONE","error":null}""");

        await().atMost(PATIENCE).until(() -> sent(response).contains("10 of 10"));
        String last = sent(response).substring(sent(response).lastIndexOf("event:ops"));
        assertThat(last).contains("DONE").doesNotContain("Stop after this chunk");
    }

    @Test
    void aStream_endsBeforeItsTokenExpires_soTheBrowserReconnectsWithAFreshOne() throws Exception {
        // given: a token with 12 s left (edge's live for a minute), so the stream may last 2 s
        everyServiceHealthy();
        String shortLived = tokens.mint(admin, EdgeToken.SERVICES_AUDIENCE, Duration.ofSeconds(12));
        MvcResult result = mvc.perform(get("/ops/live").header("Authorization", "Bearer " + shortLived)
                .header(Csrf.HEADER, CSRF)).andReturn();
        open.add(result);
        await().atMost(PATIENCE).until(() -> sent(result.getResponse()).contains("event:ops"));
        assertThat(streams.watching("ops:overview")).isEqualTo(1);

        // then
        await().atMost(PATIENCE).until(() -> streams.watching("ops:overview") == 0);
        // the stream was ended by the server (its request dispatched to complete), not dropped
        await().atMost(PATIENCE).until(() -> ((MockAsyncContext) result.getRequest().getAsyncContext()).getDispatchedPath() != null);
    }
}
