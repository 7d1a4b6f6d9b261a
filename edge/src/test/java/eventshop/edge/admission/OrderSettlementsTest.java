package eventshop.edge.admission;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/** Which events of {@code orders.events} settle a checkout, and that nothing on the topic can break the listener. */
class OrderSettlementsTest {

    final AtomicLong nanos = new AtomicLong();
    final CheckoutAdmission admission = new CheckoutAdmission(CheckoutAdmissionTest.SETTINGS,
            new SimpleMeterRegistry(), nanos::get);
    final OrderSettlements settlements = new OrderSettlements(admission, JsonMapper.builder().build());

    @Test
    void orderConfirmed_settlesItsCheckout() {
        admit("o-1");

        settlements.on("OrderConfirmed", json("{\"orderId\":\"o-1\",\"customerId\":\"c-1\"}"));

        assertThat(admission.inFlight()).isZero();
        assertThat(admission.limit()).isEqualTo(8);
    }

    @Test
    void orderCancelled_settlesItsCheckout_asLateOnlyWhenItTimedOut() {
        for (int i = 1; i <= 5; i++) {
            admit("o-" + i);
        }

        for (int i = 1; i <= 4; i++) {
            settlements.on("OrderCancelled", json("{\"orderId\":\"o-" + i + "\",\"customerId\":\"c-1\","
                    + "\"reason\":\"PAYMENT_DECLINED\",\"previousStatus\":\"STOCK_RESERVED\"}"));
        }
        assertThat(admission.limit()).isGreaterThanOrEqualTo(8);
        settlements.on("OrderCancelled", json("{\"orderId\":\"o-5\",\"customerId\":\"c-1\","
                + "\"reason\":\"TIMED_OUT\",\"previousStatus\":\"PLACED\"}"));

        assertThat(admission.inFlight()).isZero();
        assertThat(admission.limit()).isLessThan(8); // one timed out in the window of five
    }

    @Test
    void otherEvents_unreadableOnes_andRecordsWithoutAType_settleNothing() {
        admit("o-1");

        settlements.on("OrderPlaced", json("{\"orderId\":\"o-1\"}"));
        settlements.on("OrderShipped", json("{\"orderId\":\"o-1\",\"customerId\":\"c-1\"}"));
        settlements.on("OrderConfirmed", json("not json"));
        settlements.on("OrderConfirmed", json("{\"customerId\":\"c-1\"}"));
        settlements.on("OrderCancelled", json("{\"orderId\":\"o-1\",\"reason\":\"NOT_A_REASON\"}"));
        settlements.on(new ConsumerRecord<>(Topics.ORDERS_EVENTS, 0, 0, "order-o-1",
                json("{\"orderId\":\"o-1\",\"customerId\":\"c-1\"}")));

        assertThat(admission.inFlight()).isEqualTo(1);
    }

    private void admit(String orderId) {
        try {
            admission.limitCheckouts().filter(
                    ServerRequest.create(new MockHttpServletRequest("POST", "/api/cart/checkout"), List.of()),
                    request -> ServerResponse.accepted().location(URI.create("/api/orders/" + orderId)).build());
        } catch (Exception unexpected) {
            throw new AssertionError(unexpected);
        }
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
