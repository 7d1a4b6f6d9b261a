package eventshop.orders.ops;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.message;
import static eventshop.orders.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.orders.OrdersTest;
import eventshop.eventsourcing.testing.TestClock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.messaging.Message;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/ops/orders/sagas}: a customer's orders and the stuck ones, for the admin only. */
@OrdersTest
class SagaOpsTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    JsonMapper json;
    @Autowired
    TestClock clock;
    @Autowired
    @Qualifier("ordersCarts")
    Consumer<Message<byte[]>> carts;

    final EdgeUser admin = EdgeUser.admin("admin-1", "admin@example.com");

    MvcTestResult get(EdgeUser user, String uri) {
        return mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint(user)).exchange();
    }

    JsonNode body(MvcTestResult result) {
        assertThat(result).hasStatusOk();
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    String placed(String customer) {
        String order = newId();
        carts.accept(message("cart-" + customer, checkout(customer, order)));
        return order;
    }

    static JsonNode find(JsonNode list, String orderId) {
        return StreamSupport.stream(list.spliterator(), false)
                .filter(order -> orderId.equals(order.get("orderId").asString())).findFirst().orElse(null);
    }

    @Test
    void aCustomersOrders_newestFirst_withTheirCheckoutsCorrelation() {
        String customer = newId();
        String first = placed(customer);
        clock.advance(Duration.ofSeconds(1));
        String second = placed(customer);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                body(get(admin, "/api/ops/orders/sagas?customer=" + customer)))
                .extracting(order -> order.get("orderId").asString()).containsExactly(second, first));
        JsonNode order = body(get(admin, "/api/ops/orders/sagas?customer=" + customer)).get(0);
        assertThat(order.get("status").asString()).isEqualTo("PLACED");
        assertThat(order.get("correlationId").asString()).isNotBlank();
        assertThat(order.get("placedAt").asString()).isEqualTo(order.get("statusSince").asString());
    }

    @Test
    void anOrderIsStuck_onlyOnceItsDeadlinePassedByTheGrace() {
        String customer = newId();
        String order = placed(customer);
        await().atMost(Duration.ofSeconds(10)).until(() -> find(body(get(admin,
                "/api/ops/orders/sagas?customer=" + customer)), order) != null);
        assertThat(find(body(get(admin, "/api/ops/orders/sagas/stuck?grace=PT0S")), order)).isNull();

        // when: the reservation's deadline passes and nobody acts on it (the scheduler is off in these tests)
        clock.advance(Duration.ofMinutes(5));

        // then
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode stuck = find(body(get(admin, "/api/ops/orders/sagas/stuck?grace=PT10S")), order);
            assertThat(stuck).isNotNull();
            assertThat(stuck.get("status").asString()).isEqualTo("PLACED");
            assertThat(stuck.get("waitingFor").asString()).isEqualTo("RESERVE_STOCK");
            assertThat(stuck.get("attempt").asInt()).isEqualTo(1);
            assertThat(stuck.get("overdueSeconds").asLong()).isPositive();
        });
        assertThat(find(body(get(admin, "/api/ops/orders/sagas/stuck?grace=P1D")), order)).isNull();
    }

    @Test
    void adminOnly_andMalformedQueriesAre400() {
        assertThat(mvc.get().uri("/api/ops/orders/sagas/stuck").exchange()).hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(get(EdgeUser.ANONYMOUS, "/api/ops/orders/sagas/stuck")).hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(get(EdgeUser.customer(newId(), "c@example.com"), "/api/ops/orders/sagas/stuck"))
                .hasStatus(HttpStatus.FORBIDDEN);
        assertThat(get(EdgeUser.customer(newId(), "c@example.com"), "/api/ops/orders/sagas?customer=x"))
                .hasStatus(HttpStatus.FORBIDDEN);
        assertThat(get(admin, "/api/ops/orders/sagas/stuck?grace=soon")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(get(admin, "/api/ops/orders/sagas/stuck?grace=-PT1S")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(get(admin, "/api/ops/orders/sagas?customer=")).hasStatus(HttpStatus.BAD_REQUEST);
    }
}
