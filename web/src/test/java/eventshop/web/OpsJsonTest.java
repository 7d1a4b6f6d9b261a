package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import eventshop.eventsourcing.security.EdgeUser;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's joined JSON ({@code /api/ops/...}, docs/operations.md): what web asks every service and how it joins
 * the answers; who may read it (the admin; 401 for a visitor, 403 for a customer, no service asked for either).
 */
class OpsJsonTest extends OpsFixture {

    static JsonNode json(MockHttpServletResponse response) throws Exception {
        return JsonMapper.shared().readTree(response.getContentAsString());
    }

    @Nested
    class WhoMayRead {

        @ParameterizedTest
        @ValueSource(strings = {"/api/ops/overview", "/api/ops/correlations/corr-1", "/api/ops/sagas/o-1",
                "/api/ops/sagas?customer=c-1", "/api/ops/sagas/stuck"})
        void aVisitor_gets401_andACustomer403_asProblems_andNoServiceIsAsked(String path) throws Exception {
            // when
            MockHttpServletResponse visitor = call(EdgeUser.ANONYMOUS, get(path));
            MockHttpServletResponse ada = call(customer, get(path));

            // then
            assertThat(visitor.getStatus()).isEqualTo(401);
            assertThat(visitor.getContentType()).startsWith("application/problem+json");
            assertThat(json(visitor).path("type").asString()).isEqualTo("/problems/unauthorized");
            assertThat(ada.getStatus()).isEqualTo(403);
            assertThat(json(ada).path("type").asString()).isEqualTo("/problems/forbidden");
            assertThat(SERVICES.requests()).isEmpty();
        }
    }

    @Nested
    class WhatIsNotThere {

        @ParameterizedTest
        @ValueSource(strings = {"GET /api/ops/breakers/null", "GET /api/ops/nope", "GET /api/ops/sagas/o-1/more",
                "POST /api/ops/unknown", "DELETE /api/ops/overview/x"})
        void anyOtherPathUnderTheConsolesApi_isA404Problem_andNoServiceIsAsked(String request) throws Exception {
            String[] methodAndPath = request.split(" ");

            MockHttpServletResponse response = call(admin, request(HttpMethod.valueOf(methodAndPath[0]), methodAndPath[1]));

            assertThat(response.getStatus()).isEqualTo(404);
            assertThat(response.getContentType()).startsWith("application/problem+json");
            assertThat(json(response).path("type").asString()).isEqualTo("/problems/not-found");
            assertThat(SERVICES.requests()).isEmpty();
        }
    }

    @Nested
    class TheOverview {

        @Test
        void joinsEveryServicesOverview_andEdgesBreakers_andSaysWhatIsUnhealthy() throws Exception {
            // given: orders' relay lags, payments does not answer, edge's payments breaker is open
            everyServiceHealthy();
            SERVICES.answer("GET /api/ops/orders/overview", overview("orders", 5000, 1200, 2));
            SERVICES.answer("GET /api/ops/payments/overview", 503, "{\"status\":503}", Map.of());
            SERVICES.answer("GET /internal/ops/breakers", breakers("OPEN", 62.5));

            // when
            MockHttpServletResponse response = call(admin, get("/api/ops/overview"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            JsonNode body = json(response);
            List<JsonNode> services = StreamSupport.stream(body.path("services").spliterator(), false).toList();
            assertThat(services).extracting(service -> service.path("service").asString()).containsExactlyElementsOf(SERVICE_NAMES);
            JsonNode orders = services.get(4);
            assertThat(orders.path("head").asLong()).isEqualTo(5000);
            assertThat(orders.path("relay").path("lag").asLong()).isEqualTo(1200);
            assertThat(orders.path("consumers").get(0).path("partitions").get(0).path("lag").asLong()).isEqualTo(3);
            assertThat(orders.path("projections").get(0).path("active").path("generation").asInt()).isEqualTo(2);
            assertThat(services.get(5).path("error").asString()).contains("payments", "server error");
            assertThat(body.path("breakers").get(1).path("state").asString()).isEqualTo("OPEN");
            assertThat(body.path("unhealthy").toString()).contains("orders: relay lag 1,200",
                    "orders: 2 parked on orders.events.orders.dlq", "payments: not answering",
                    "edge: breaker payments OPEN, failure rate 63%");
            assertThat(body.path("unhealthy").toString()).doesNotContain("carts:");
        }

        @Test
        void asksEveryServiceAndEdge_asTheAdmin() throws Exception {
            everyServiceHealthy();

            call(admin, get("/api/ops/overview"));

            for (String service : SERVICE_NAMES) {
                sentAsTheAdmin("GET", "/api/ops/" + service + "/overview");
            }
            sentAsTheAdmin("GET", "/internal/ops/breakers");
        }

        @Test
        void edgeNotAnswering_leavesTheServices_andSaysSo() throws Exception {
            everyServiceHealthy();
            SERVICES.answer("GET /internal/ops/breakers", 503, "{\"status\":503}", Map.of());

            JsonNode body = json(call(admin, get("/api/ops/overview")));

            assertThat(body.path("services").size()).isEqualTo(7);
            assertThat(body.path("breakers").size()).isZero();
            assertThat(body.path("breakersError").asString()).contains("edge");
            assertThat(body.path("unhealthy").toString()).contains("edge: breakers not answering");
        }
    }

    @Nested
    class Correlations {

        @Test
        void mergesEveryServicesEvents_inTimeOrder_withServicePositionAndRecord_andNamesTheSilentOnes() throws Exception {
            OpsSagaScenario.answer(SERVICES);

            JsonNode body = json(call(admin, get("/api/ops/correlations/corr-1")));

            assertThat(body.path("correlationId").asString()).isEqualTo("corr-1");
            List<String> order = StreamSupport.stream(body.path("events").spliterator(), false)
                    .map(e -> e.path("service").asString() + "#" + e.path("position").asLong()).toList();
            assertThat(order).containsExactly("carts#5", "orders#11", "inventory#30", "orders#12", "payments#7",
                    "orders#13", "payments#8", "orders#14", "views#90", "inventory#31");
            JsonNode placed = body.path("events").get(1);
            assertThat(placed.path("record").path("topic").asString()).isEqualTo("orders.events");
            assertThat(placed.path("record").path("offset").asLong()).isEqualTo(100);
            assertThat(placed.path("event").path("type").asString()).isEqualTo("OrderPlaced");
            assertThat(body.path("events").get(4).path("record").isNull()).isTrue();
            assertThat(body.path("errors").get(0).path("service").asString()).isEqualTo("catalog");
        }
    }

    @Nested
    class Sagas {

        @Test
        void theTimeline_followsTheOrdersCorrelation_acrossServices_withHopsAndKinds() throws Exception {
            // given
            OpsSagaScenario.answer(SERVICES);

            // when
            MockHttpServletResponse response = call(admin, get("/api/ops/sagas/o-1"));

            // then
            assertThat(response.getStatus()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.path("orderId").asString()).isEqualTo("o-1");
            assertThat(body.path("correlationId").asString()).isEqualTo("corr-1");
            List<String> steps = StreamSupport.stream(body.path("steps").spliterator(), false)
                    .map(step -> step.path("service").asString() + " " + step.path("type").asString() + " "
                            + step.path("kind").asString() + " " + step.path("sinceCauseMillis").asString("-"))
                    .toList();
            assertThat(steps).containsExactly(
                    "carts CartCheckedOut step -",
                    "orders OrderPlaced reply 10",
                    "inventory StockReserved reply 12",
                    "orders PaymentRequested command 8",
                    "payments PaymentDeclined reply 11",
                    "orders PaymentRequested retry 9",
                    "payments PaymentDeclined reply 10",
                    "orders OrderCancelled compensation 10",
                    "views OrderSummaryUpdated reply 0",
                    "inventory StockReleased compensation 10");
            JsonNode declined = body.path("steps").get(4);
            assertThat(declined.path("cause").path("service").asString()).isEqualTo("orders");
            assertThat(declined.path("cause").path("position").asLong()).isEqualTo(12);
            assertThat(declined.path("position").asLong()).isEqualTo(7);
            assertThat(body.path("steps").get(3).path("record").path("topic").asString()).isEqualTo("payments.commands");
            assertThat(body.path("steps").get(9).path("sinceStartMillis").asLong()).isEqualTo(80);
            assertThat(body.path("errors").get(0).path("service").asString()).isEqualTo("catalog");
            sentAsTheAdmin("GET", "/api/ops/orders/streams/order-o-1");
        }

        @Test
        void anOrderWithoutAStream_isA404Problem() throws Exception {
            MockHttpServletResponse response = call(admin, get("/api/ops/sagas/nope"));

            assertThat(response.getStatus()).isEqualTo(404);
            assertThat(response.getContentType()).startsWith("application/problem+json");
            assertThat(json(response).path("detail").asString()).contains("order-nope");
        }

        @Test
        void aCustomersOrders_andTheStuckOnes_areOrdersAnswersPassedOn() throws Exception {
            OpsSagaScenario.answerTheLists(SERVICES);

            JsonNode ofCustomer = json(call(admin, get("/api/ops/sagas?customer=c-1")));
            JsonNode stuck = json(call(admin, get("/api/ops/sagas/stuck")));

            assertThat(ofCustomer.get(0).path("orderId").asString()).isEqualTo("o-2");
            assertThat(ofCustomer.get(0).path("correlationId").asString()).isEqualTo("corr-2");
            assertThat(SERVICES.last("GET", "/api/ops/orders/sagas?").uri()).isEqualTo("/api/ops/orders/sagas?customer=c-1");
            assertThat(stuck.get(0).path("overdueSeconds").asLong()).isEqualTo(4200);
            assertThat(stuck.get(0).path("deadline").asString()).isEqualTo("2026-12-07T10:05:00Z");
        }

        @Test
        void aCustomerListWithoutACustomer_isA400Problem() throws Exception {
            MockHttpServletResponse response = call(admin, get("/api/ops/sagas"));

            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("customer");
        }
    }
}
