package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.site.SecurityHeaders;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The console's pages ({@code /ops/...}) rendered by the real application against stub services: what each shows,
 * who may see them (the admin; a visitor is sent to log in, a customer gets the 403 page), a service that does not
 * answer shown in its own panel, and the actions' forms: each posts (with the CSRF token edge checks) to web, which
 * posts to the right service endpoint as the admin.
 */
class OpsPagesTest extends OpsFixture {

    @Nested
    class WhoMaySee {

        @ParameterizedTest
        @ValueSource(strings = {"/ops", "/ops/log", "/ops/log/orders", "/ops/log/orders/11", "/ops/streams/orders/order-o-1",
                "/ops/correlations/corr-1", "/ops/sagas", "/ops/sagas/o-1", "/ops/read-models",
                "/ops/read-models/views/order-history/rebuild", "/ops/parked", "/ops/parked/orders/jobs/job-1", "/ops/audit",
                "/ops/live", "/ops/live/read-models"})
        void aVisitor_isSentToLogIn_andBack(String page) throws Exception {
            MockHttpServletResponse response = call(EdgeUser.ANONYMOUS, get(page));

            assertThat(response.getStatus()).isEqualTo(302);
            assertThat(response.getRedirectedUrl()).isEqualTo("/login?next=" + page.replace("/", "%2F"));
            assertThat(SERVICES.requests()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"/ops", "/ops/log", "/ops/log/orders", "/ops/log/orders/11", "/ops/streams/orders/order-o-1",
                "/ops/correlations/corr-1", "/ops/sagas", "/ops/sagas/o-1", "/ops/read-models",
                "/ops/read-models/views/order-history/rebuild", "/ops/parked", "/ops/parked/orders/jobs/job-1", "/ops/audit",
                "/ops/live", "/ops/live/read-models"})
        void aCustomer_getsThe403Page(String page) throws Exception {
            MockHttpServletResponse response = call(customer, get(page));

            assertThat(response.getStatus()).isEqualTo(403);
            assertThat(response.getContentAsString()).contains("Forbidden", "The operations console is for the store")
                    .doesNotContain("href=\"/ops/log\"");
            assertThat(SERVICES.requests()).isEmpty();
        }

        @Test
        void aCustomersFormPost_isRefusedToo_andNothingIsSent() throws Exception {
            MockHttpServletResponse response = call(customer, post("/ops/parked/orders/replay").param("id", "t:0:1")
                    .param("_csrf", CSRF));

            assertThat(response.getStatus()).isEqualTo(403);
            assertThat(SERVICES.requests()).isEmpty();
        }

        @Test
        void theConsolesPages_haveTheCsp_noInlineScriptOrStyle_andTheirOwnNavigation() throws Exception {
            everyServiceHealthy();

            MockHttpServletResponse response = call(admin, get("/ops"));

            assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(SecurityHeaders.POLICY);
            String html = response.getContentAsString();
            assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContainPattern("\\son[a-z]+=")
                    .doesNotContainPattern("\\sstyle=").doesNotContain("<style");
            assertThat(html).contains("href=\"/ops/log\"", "href=\"/ops/sagas\"", "href=\"/ops/read-models\"",
                    "href=\"/ops/parked\"", "href=\"/ops/audit\"", "aria-current=\"page\"", "/css/ops.css");
            assertThat(SERVICES.requests()).noneMatch(request -> request.uri().startsWith("/api/cart"));
        }
    }

    @Nested
    class Overview {

        @Test
        void showsEveryServicesHeadRateRelayConsumersReadModelsAndParked_andEdgesBreakers() throws Exception {
            // given
            everyServiceHealthy();
            SERVICES.answer("GET /internal/ops/breakers", breakers("HALF_OPEN", 25.0));

            // when
            MockHttpServletResponse response = call(admin, get("/ops"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            String html = response.getContentAsString();
            assertThat(html).contains("id=\"service-orders\"", "id=\"service-views\"", "1,234", "orders-checkout",
                    "orders-view", "1,230 of 1,234, lag 4", "max 40 in 60 s", "<polyline", "points=\"0.0,",
                    "sse-connect=\"/ops/live\"");
            assertThat(html).contains("half-open", "25.0%", "edge: breaker payments HALF_OPEN, failure rate 25%");
        }

        @Test
        void aPartition_isMarkedNotHere_onlyWhenTheServiceSaysItIsAssignedElsewhere() throws Exception {
            // given: the fixture's partitions are assigned here; payments follows one elsewhere, views cannot tell
            everyServiceHealthy();
            SERVICES.answer("GET /api/ops/payments/overview", overview("payments", 1_234, 4, 0)
                    .replace("\"assigned\":true", "\"assigned\":false"));
            SERVICES.answer("GET /api/ops/views/overview", overview("views", 1_234, 4, 0)
                    .replace("\"assigned\":true", "\"assigned\":null"));

            // when
            String html = call(admin, get("/ops")).getContentAsString();

            // then
            assertThat(html.split("\\(not here\\)", -1)).hasSize(2);
            assertThat(html.substring(html.indexOf("id=\"service-payments\""))).contains("0 (not here)");
        }

        @Test
        void aServiceThatDoesNotAnswer_isMarked_andTheOthersStillShow() throws Exception {
            // given
            everyServiceHealthy();
            SERVICES.answer("GET /api/ops/inventory/overview", 503, "{\"status\":503}", Map.of());

            // when
            MockHttpServletResponse response = call(admin, get("/ops"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            String html = response.getContentAsString();
            assertThat(html).containsPattern("class=\"panel unhealthy\"\\s+id=\"service-inventory\"")
                    .containsPattern("class=\"panel healthy\"\\s+id=\"service-orders\"")
                    .contains("not answering", "the inventory service answered with a server error (503)",
                            "inventory: not answering");
            assertThat(html.split("1,230 of 1,234", -1)).hasSize(7); // six services' relays still shown
        }

        @Test
        void parkedMessagesAndLag_standOut() throws Exception {
            everyServiceHealthy();
            SERVICES.answer("GET /api/ops/payments/overview", overview("payments", 90_000, 5_000, 3));

            String html = call(admin, get("/ops")).getContentAsString();

            assertThat(html).contains("Needs attention", "payments: relay lag 5,000", "payments: 3 parked on orders.events.payments.dlq")
                    .containsPattern("class=\"panel unhealthy\"\\s+id=\"service-payments\"");
        }
    }

    @Nested
    class Log {

        static final String PAGE = """
                {"service":"orders","head":1234,"scanned":500,"events":[%s],"older":10,"newer":11}
                """.formatted(OpsSagaScenario.placed());

        @Test
        void showsAPageOfEvents_withTheirDataAndLinks_andSendsTheFilters() throws Exception {
            // given
            SERVICES.answer("GET /api/ops/orders/events", PAGE);

            // when
            MockHttpServletResponse response = call(admin, get("/ops/log/orders").param("stream", "order-")
                    .param("type", "OrderPlaced").param("since", "2026-12-07T09:00").param("correlation", "corr-1")
                    .param("limit", "20"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            String uri = SERVICES.last("GET", "/api/ops/orders/events").uri();
            assertThat(uri).contains("stream=order-", "type=OrderPlaced", "since=2026-12-07T09%3A00%3A00Z", "correlation=corr-1",
                    "limit=20").doesNotContain("after=", "before=");
            String html = response.getContentAsString();
            assertThat(html).contains("OrderPlaced", "orders #11", "Springfield", "&quot;name&quot; : &quot;•••&quot;",
                    "href=\"/ops/streams/orders/order-o-1?version=0\"", "href=\"/ops/correlations/corr-1\"",
                    "href=\"/ops/log/orders/11#record\"", "Unmask /shippingAddress/name", "(500 scanned)",
                    "traceparent");
            assertThat(html).contains("href=\"/ops/log/orders?before=10&amp;limit=20&amp;stream=order-&amp;type=OrderPlaced&amp;since=2026-12-07T09%3A00&amp;correlation=corr-1\"",
                    "href=\"/ops/log/orders?after=11&amp;limit=20");
        }

        @Test
        void aCursorThatIsNoNumber_isShown_andNothingIsAsked() throws Exception {
            MockHttpServletResponse response = call(admin, get("/ops/log/orders").param("limit", "lots"));

            assertThat(response.getStatus()).isEqualTo(422);
            assertThat(response.getContentAsString()).contains("must be a whole number from 1", "aria-invalid=\"true\"");
            assertThat(SERVICES.requests()).isEmpty();
        }

        @Test
        void theServicesRefusal_isShownInPlace() throws Exception {
            SERVICES.answer("GET /api/ops/orders/events", 400, "{\"type\":\"/problems/invalid-fields\",\"status\":400,"
                    + "\"detail\":\"since is not an instant\"}", Map.of());

            MockHttpServletResponse response = call(admin, get("/ops/log/orders").param("since", "yesterday"));

            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(response.getContentAsString()).contains("since is not an instant", "value=\"yesterday\"");
        }

        @Test
        void anUnknownService_isA404_andNothingIsAsked() throws Exception {
            MockHttpServletResponse response = call(admin, get("/ops/log/nope"));

            assertThat(response.getStatus()).isEqualTo(404);
            assertThat(SERVICES.requests()).isEmpty();
        }

        @Test
        void eventDataThatLooksLikeMarkup_isShownAsText() throws Exception {
            SERVICES.answer("GET /api/ops/orders/events", """
                    {"service":"orders","head":1,"scanned":1,"events":[%s],"older":null,"newer":null}
                    """.formatted(event(1, "order-<b>", 0, "OrderPlaced", "e1", "2026-12-07T10:00:00Z", null, null,
                    "{\"note\":\"<script>alert(1)</script>\"}")));

            String html = call(admin, get("/ops/log/orders")).getContentAsString();

            assertThat(html).doesNotContain("<script>alert(1)</script>", "order-<b>")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "order-&lt;b&gt;");
        }

        @Test
        void oneEvent_showsItsKafkaRecord() throws Exception {
            SERVICES.answer("GET /api/ops/orders/events/11", withRecord(OpsSagaScenario.placed(), record("orders.events", 1, 100)));

            String html = call(admin, get("/ops/log/orders/11")).getContentAsString();

            assertThat(html).contains("id=\"record\"", "orders.events", "<dt>Partition</dt><dd>1</dd>", "<dt>Offset</dt><dd>100</dd>",
                    "OrderPlaced");
        }

        @Test
        void unmasking_postsToTheService_asTheAdmin_andShowsTheOneValue_onThePageOnly() throws Exception {
            // given
            SERVICES.answer("GET /api/ops/orders/events/11", withRecord(OpsSagaScenario.placed(), "null"));
            SERVICES.answer("POST /api/ops/orders/events/11/unmask", """
                    {"position":11,"field":"/shippingAddress/name","value":"Ada Lovelace"}""");
            String form = call(admin, get("/ops/log/orders/11")).getContentAsString();
            assertThat(form).contains("action=\"/ops/log/orders/11/unmask\"", "name=\"_csrf\" value=\"" + CSRF + "\"",
                    "name=\"field\" value=\"/shippingAddress/name\"");

            // when
            MockHttpServletResponse response = call(admin, post("/ops/log/orders/11/unmask")
                    .param("field", "/shippingAddress/name").param("_csrf", CSRF));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).contains("Ada Lovelace", "shown once");
            StubServices.Request sent = sentAsTheAdmin("POST", "/api/ops/orders/events/11/unmask");
            assertThat(sent.body()).isEqualTo("{\"field\":\"/shippingAddress/name\"}");
            assertThat(call(admin, get("/ops/log/orders/11")).getContentAsString()).doesNotContain("Ada Lovelace");
        }

        @Test
        void aStream_showsTheStateAtAVersion_andWhatChanged() throws Exception {
            SERVICES.answer("GET /api/ops/carts/streams/cart-c-1", """
                    {"service":"carts","streamId":"cart-c-1","aggregate":"cart","lastVersion":2,"version":1,
                     "events":[%s,%s,%s],
                     "state":{"lines":[{"sku":"SKU-1","quantity":2}]},"stateType":"Open",
                     "previous":{"lines":[{"sku":"SKU-1","quantity":1}]},
                     "changes":[{"path":"/lines/0/quantity","before":1,"after":2}]}
                    """.formatted(event(1, "cart-c-1", 0, "CartOpened", "a", "2026-12-07T10:00:00Z", "k", null, "{}"),
                    event(2, "cart-c-1", 1, "CartItemAdded", "b", "2026-12-07T10:00:01Z", "k", null, "{\"quantity\":2}"),
                    event(3, "cart-c-1", 2, "CartCheckedOut", "c", "2026-12-07T10:00:02Z", "k", null, "{}")));

            MockHttpServletResponse response = call(admin, get("/ops/streams/carts/cart-c-1").param("version", "1"));

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(SERVICES.last("GET", "/api/ops/carts/streams/cart-c-1").uri()).endsWith("?version=1");
            String html = response.getContentAsString();
            assertThat(html).contains("Aggregate cart", "(Open)", "/lines/0/quantity", "<code>1</code>", "<code>2</code>",
                    "v0 CartOpened", "v1 CartItemAdded", "v2 CartCheckedOut", "href=\"/ops/streams/carts/cart-c-1?version=0\"",
                    "href=\"/ops/streams/carts/cart-c-1?version=2\"", "class=\"selected\"");
        }

        @Test
        void aCorrelation_showsEveryServicesEvents_inTimeOrder_andTheSilentService() throws Exception {
            OpsSagaScenario.answer(SERVICES);

            String html = call(admin, get("/ops/correlations/corr-1")).getContentAsString();

            assertThat(html).contains("carts #5", "orders #11", "payments #7", "inventory #31", "catalog",
                    "server error", "payments.commands partition 0 offset 3", "not on Kafka");
            assertThat(html.indexOf("carts #5")).isLessThan(html.indexOf("orders #11"));
            assertThat(html.indexOf("orders #14")).isLessThan(html.indexOf("views #90"));
        }
    }

    @Nested
    class Sagas {

        @Test
        void theTimeline_showsEveryHop_inTimeOrder_withItsKindLogPositionAndOffset() throws Exception {
            OpsSagaScenario.answer(SERVICES);

            MockHttpServletResponse response = call(admin, get("/ops/sagas/o-1"));

            assertThat(response.getStatus()).isEqualTo(200);
            String html = response.getContentAsString();
            assertThat(html).contains("Checkout of order", "href=\"/ops/correlations/corr-1\"", "+12 ms", "+80 ms",
                    "StockReserved (inventory #30)", "PaymentRequested (orders #12)", "payments.commands 0@3",
                    "href=\"/ops/log/payments/7\"", ">compensation<", ">retry<", ">command<", ">reply<");
            assertThat(html.indexOf("StockReleased")).isGreaterThan(html.indexOf("OrderSummaryUpdated"));
        }

        @Test
        void theSearch_findsACustomersOrders_andListsTheStuckOnes() throws Exception {
            OpsSagaScenario.answerTheLists(SERVICES);

            String html = call(admin, get("/ops/sagas").param("customer", "c-1")).getContentAsString();

            assertThat(html).contains("href=\"/ops/sagas/o-2\"", "CONFIRMED", "href=\"/ops/sagas/o-3\"", "STOCK_RESERVED",
                    "4,200 s", "<label for=\"order\">Order id</label>", "<label for=\"customer\">Customer id</label>");
        }

        @Test
        void searchingAnOrder_leadsToItsTimeline() throws Exception {
            MockHttpServletResponse response = call(admin, get("/ops/sagas").param("order", " o-9/x "));

            assertThat(response.getRedirectedUrl()).isEqualTo("/ops/sagas/o-9%2Fx");
        }

        @Test
        void stuckOrdersNotAnswering_isSaidInItsPlace() throws Exception {
            SERVICES.answer("GET /api/ops/orders/sagas/stuck", 503, "{\"status\":503}", Map.of());

            MockHttpServletResponse response = call(admin, get("/ops/sagas"));

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).contains("the orders service answered with a server error");
        }
    }

    @Nested
    class ReadModels {

        @Test
        void showsEveryReadModel_withItsReplicasHashes_andARebuildInProgress() throws Exception {
            // given
            SERVICES.answer("GET /api/ops/views/projections", "[" + projection("order-history", "REBUILDING", true, 812, 2,
                    generation(3, 450, 1000)) + "]");
            SERVICES.answer("GET /api/ops/views/projections/order-history/replicas", """
                    {"name":"order-history","replicas":[
                      {"generation":2,"role":"ACTIVE","checkpoint":812,"rows":40,"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
                      {"generation":3,"role":"REBUILD","checkpoint":450,"rows":22,"sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}],
                     "converged":false}""");
            SERVICES.answer("GET /api/ops/orders/projections", "[" + projection("orders", "RUNNING", true, 90, 1, null) + "]");
            SERVICES.answer("GET /api/ops/orders/projections/orders/replicas", """
                    {"name":"orders","replicas":[{"generation":1,"role":"ACTIVE","checkpoint":90,"rows":4,"sha256":"cccc"}],"converged":true}""");

            // when
            MockHttpServletResponse response = call(admin, get("/ops/read-models"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            String html = response.getContentAsString();
            assertThat(html).contains("order-history", "REBUILDING", "2 active", "generation 3", "45%, 450 of 1,000 events",
                    "about 12 s left", "not converged yet", "title=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "gen 3 rebuild",
                    "sse-connect=\"/ops/live/read-models\"", "href=\"/ops/read-models/orders/orders/rebuild\"");
            assertThat(html).containsPattern("class=\"panel unhealthy\"\\s+id=\"models-accounts\"")
                    .contains("no read models in accounts");
        }

        @Test
        void aRebuild_isConfirmedWithTheNumberOfEvents_thenPostedToTheService() throws Exception {
            // given
            SERVICES.answer("GET /api/ops/views/projections/order-history/rebuild", "{\"name\":\"order-history\",\"events\":1234}");
            SERVICES.answer("POST /api/ops/views/projections/order-history/rebuild", 202,
                    projection("order-history", "REBUILDING", true, 812, 2, generation(3, 0, 1234)), Map.of());
            String confirm = call(admin, get("/ops/read-models/views/order-history/rebuild")).getContentAsString();
            assertThat(confirm).contains("will replay <strong>1,234 events</strong>",
                    "action=\"/ops/read-models/views/order-history/rebuild\"", "name=\"confirm\" value=\"1234\"",
                    "name=\"_csrf\" value=\"" + CSRF + "\"");
            assertThat(SERVICES.requests()).noneMatch(request -> request.method().equals("POST"));

            // when
            MockHttpServletResponse response = call(admin, post("/ops/read-models/views/order-history/rebuild")
                    .param("confirm", "1234").param("_csrf", CSRF));

            // then
            assertThat(response.getRedirectedUrl()).isEqualTo("/ops/read-models?started=views%2Forder-history&from=2");
            StubServices.Request sent = sentAsTheAdmin("POST", "/api/ops/views/projections/order-history/rebuild");
            assertThat(sent.body()).isEqualTo("{\"confirm\":1234}");
        }

        @Test
        void theSwitchOver_isShown_evenWhenItHappenedBeforeThePageWasOpened() throws Exception {
            // given: a rebuild started from generation 2, which generation 3 has replaced by the time the page loads
            SERVICES.answer("GET /api/ops/views/projections", "[" + projection("order-history", "RUNNING", true, 900, 3, null)
                    + "]");
            SERVICES.answer("GET /api/ops/views/projections/order-history/replicas", """
                    {"name":"order-history","replicas":[{"generation":3,"role":"ACTIVE","checkpoint":900,"rows":41,"sha256":"dddd"}],"converged":true}""");

            // when
            String html = call(admin, get("/ops/read-models").param("started", "views/order-history").param("from", "2"))
                    .getContentAsString();

            // then: the page says so, and its live stream is told which generation the viewer started from
            assertThat(html).contains("switched over from generation 2 to 3",
                    "sse-connect=\"/ops/live/read-models?started=views%2Forder-history&amp;from=2\"");
            assertThat(call(admin, get("/ops/read-models").param("started", "views/order-history").param("from", "x"))
                    .getStatus()).isEqualTo(400);
        }

        @Test
        void aRefusedRebuild_isShownOnTheConfirmation() throws Exception {
            SERVICES.answer("GET /api/ops/views/projections/order-history/rebuild", "{\"name\":\"order-history\",\"events\":1300}");
            SERVICES.answer("POST /api/ops/views/projections/order-history/rebuild", 409, "{\"type\":\"/problems/conflict\","
                    + "\"status\":409,\"detail\":\"the log has 1300 events now, not 1234\"}", Map.of());

            MockHttpServletResponse response = call(admin, post("/ops/read-models/views/order-history/rebuild")
                    .param("confirm", "1234").param("_csrf", CSRF));

            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(response.getContentAsString()).contains("the log has 1300 events now, not 1234", "1,300 events");
        }
    }

    @Nested
    class Parked {

        static final String PARKED = """
                [{"topic":"orders.events.payments.dlq","pending":1,"replayed":1,"discarded":0,"messages":[
                  {"id":"orders.events.payments.dlq:0:3","deadLetterTopic":"orders.events.payments.dlq","partition":0,"offset":3,
                   "key":"order-o-1","originalTopic":"orders.events","originalPartition":1,"originalOffset":812,
                   "error":"card vault timed out","errorType":"java.util.concurrent.TimeoutException",
                   "headers":{"eventshop-event-type":"OrderPlaced"},"payload":"{\\"orderId\\":\\"o-1\\"}","payloadBytes":16,
                   "parkedAt":"2026-12-07T10:00:00Z","replayedAt":null,"status":"PENDING","discardReason":null,"handledBy":null},
                  {"id":"orders.events.payments.dlq:0:2","deadLetterTopic":"orders.events.payments.dlq","partition":0,"offset":2,
                   "key":"order-o-0","originalTopic":"orders.events","originalPartition":1,"originalOffset":800,
                   "error":"boom","errorType":"java.lang.IllegalStateException","headers":{},"payload":"{}","payloadBytes":2,
                   "parkedAt":"2026-12-07T09:00:00Z","replayedAt":"2026-12-07T09:30:00Z","status":"REPLAYED",
                   "discardReason":null,"handledBy":"admin-1"}]}]""";

        @Test
        void showsEachServicesParkedMessages_withPayloadHeadersAndError_andActionsOnlyForPendingOnes() throws Exception {
            SERVICES.answer("GET /api/ops/payments/parked", PARKED);

            String html = call(admin, get("/ops/parked")).getContentAsString();

            assertThat(html).contains("orders.events.payments.dlq", "1 pending", "1 replayed", "card vault timed out",
                    "java.util.concurrent.TimeoutException", "{&quot;orderId&quot;:&quot;o-1&quot;}", "eventshop-event-type",
                    "Replayed at 2026-12-07T09:30:00Z by admin-1", "action=\"/ops/parked/payments/replay\"",
                    "action=\"/ops/parked/payments/discard\"", "action=\"/ops/parked/payments/replay-all\"",
                    "<label for=\"reason-orders.events.payments.dlq:0:3\">Reason to discard</label>");
            assertThat(html).doesNotContain("name=\"id\" value=\"orders.events.payments.dlq:0:2\"");
            assertThat(html).contains("no dead-letter topics in accounts");
        }

        @Test
        void replayingOne_postsItsIdToTheService() throws Exception {
            SERVICES.answer("POST /api/ops/payments/parked/replay", 200, "{}", Map.of());

            MockHttpServletResponse response = call(admin, post("/ops/parked/payments/replay")
                    .param("id", "orders.events.payments.dlq:0:3").param("_csrf", CSRF));

            assertThat(response.getRedirectedUrl()).isEqualTo("/ops/parked?replayed=orders.events.payments.dlq%3A0%3A3");
            StubServices.Request sent = sentAsTheAdmin("POST", "/api/ops/payments/parked/replay");
            assertThat(sent.body()).isEqualTo("{\"id\":\"orders.events.payments.dlq:0:3\"}");
        }

        @Test
        void replayingOneTwice_showsTheServicesRefusal() throws Exception {
            SERVICES.answer("GET /api/ops/payments/parked", PARKED);
            SERVICES.answer("POST /api/ops/payments/parked/replay", 409, "{\"type\":\"/problems/already-handled\","
                    + "\"status\":409,\"detail\":\"it was replayed before\"}", Map.of());

            MockHttpServletResponse response = call(admin, post("/ops/parked/payments/replay")
                    .param("id", "orders.events.payments.dlq:0:2").param("_csrf", CSRF));

            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(response.getContentAsString()).contains("Not replayed: it was replayed before");
        }

        @Test
        void discarding_needsAReason_andSendsIt() throws Exception {
            SERVICES.answer("POST /api/ops/payments/parked/discard", 200, "{}", Map.of());

            MockHttpServletResponse without = call(admin, post("/ops/parked/payments/discard")
                    .param("id", "orders.events.payments.dlq:0:3").param("reason", " ").param("_csrf", CSRF));
            assertThat(without.getStatus()).isEqualTo(422);
            assertThat(without.getContentAsString()).contains("needs a reason");
            assertThat(SERVICES.requests()).noneMatch(request -> request.uri().endsWith("/discard"));

            MockHttpServletResponse with = call(admin, post("/ops/parked/payments/discard")
                    .param("id", "orders.events.payments.dlq:0:3").param("reason", "duplicate of o-1's retry").param("_csrf", CSRF));

            assertThat(with.getRedirectedUrl()).isEqualTo("/ops/parked?discarded=orders.events.payments.dlq%3A0%3A3");
            assertThat(sentAsTheAdmin("POST", "/api/ops/payments/parked/discard").body())
                    .isEqualTo("{\"id\":\"orders.events.payments.dlq:0:3\",\"reason\":\"duplicate of o-1's retry\"}");
        }

        @Test
        void replayingAll_startsAJobInChunks_upToAnOffset_andItsPageFollowsIt_andCanStopIt() throws Exception {
            // given
            SERVICES.answer("POST /api/ops/payments/parked/replay-all", 202, """
                    {"id":"job-1","topic":"orders.events.payments.dlq","total":10,"done":0,"state":"RUNNING","error":null}""",
                    Map.of());
            SERVICES.answer("GET /api/ops/payments/parked/jobs/job-1", """
                    {"id":"job-1","topic":"orders.events.payments.dlq","total":10,"done":4,"state":"RUNNING","error":null}""");
            SERVICES.answer("POST /api/ops/payments/parked/jobs/job-1/stop", 200, "{}", Map.of());

            // when
            MockHttpServletResponse started = call(admin, post("/ops/parked/payments/replay-all")
                    .param("topic", "orders.events.payments.dlq").param("upTo", "120").param("chunk", "5").param("_csrf", CSRF));

            // then
            assertThat(started.getRedirectedUrl()).isEqualTo("/ops/parked/payments/jobs/job-1");
            assertThat(sentAsTheAdmin("POST", "/api/ops/payments/parked/replay-all").body())
                    .isEqualTo("{\"topic\":\"orders.events.payments.dlq\",\"upTo\":120,\"chunk\":5}");
            String page = call(admin, get("/ops/parked/payments/jobs/job-1")).getContentAsString();
            assertThat(page).contains("4 of 10", "value=\"40\"", "RUNNING", "sse-connect=\"/ops/live/parked/payments/jobs/job-1\"",
                    "action=\"/ops/parked/payments/jobs/job-1/stop\"", "name=\"_csrf\" value=\"" + CSRF + "\"");

            MockHttpServletResponse stopped = call(admin, post("/ops/parked/payments/jobs/job-1/stop").param("_csrf", CSRF));
            assertThat(stopped.getRedirectedUrl()).isEqualTo("/ops/parked/payments/jobs/job-1");
            sentAsTheAdmin("POST", "/api/ops/payments/parked/jobs/job-1/stop");
        }

        @Test
        void replayingAllWithoutAStopOffset_sendsNone() throws Exception {
            SERVICES.answer("POST /api/ops/payments/parked/replay-all", 202, """
                    {"id":"job-2","topic":"t","total":1,"done":0,"state":"RUNNING","error":null}""", Map.of());

            call(admin, post("/ops/parked/payments/replay-all").param("topic", "t").param("upTo", "").param("chunk", "50")
                    .param("_csrf", CSRF));

            assertThat(SERVICES.last("POST", "/api/ops/payments/parked/replay-all").body())
                    .isEqualTo("{\"topic\":\"t\",\"upTo\":null,\"chunk\":50}");
        }
    }

    @Nested
    class Audit {

        @Test
        void listsEveryServicesAuditEvents_newestFirst() throws Exception {
            SERVICES.answer("GET /api/ops/orders/audit", "[" + event(40, "ops-audit", 1, "OpsActionTaken", "x2",
                    "2026-12-07T11:00:00Z", null, null, "{\"action\":\"unmask\",\"reason\":\"support ticket 7\"}") + "]");
            SERVICES.answer("GET /api/ops/views/audit", "[" + event(9, "ops-audit", 0, "OpsActionTaken", "x1",
                    "2026-12-07T10:00:00Z", null, null, "{\"action\":\"rebuild\"}") + "]");

            MockHttpServletResponse response = call(admin, get("/ops/audit"));

            String html = response.getContentAsString();
            assertThat(html).contains(">unmask<", ">rebuild<", "support ticket 7", "href=\"/ops/log/orders/40\"");
            assertThat(html.indexOf(">unmask<")).isLessThan(html.indexOf(">rebuild<"));
            assertThat(SERVICES.last("GET", "/api/ops/orders/audit").uri()).isEqualTo("/api/ops/orders/audit?limit=50");
        }
    }
}
