package eventshop.launcher.load;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A record of {@code orders.events} as the load run reads it ({@link OrderEvents#parse}). */
class OrderEventsTest {

    private static ConsumerRecord<byte[], byte[]> record(String type, String json) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(OrderEvents.TOPIC, 1, 7, "order-o1".getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
        if (type != null) {
            record.headers().add(EventEnvelope.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        }
        record.headers().add(EventEnvelope.STREAM_ID, "order-o1".getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventEnvelope.SOURCE_POSITION, "1234".getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventEnvelope.EVENT_TIMESTAMP, "2026-12-06T12:00:00.123Z".getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @Test
    void aCancellation_givesItsOrderReasonTimePositionAndStream() {
        Outcomes.StatusEvent event = OrderEvents.parse(record("OrderCancelled",
                "{\"orderId\":\"o1\",\"customerId\":\"c\",\"reason\":\"PAYMENT_DECLINED\",\"detail\":\"d\"}"));

        assertThat(event).isEqualTo(new Outcomes.StatusEvent("o1", "OrderCancelled", "PAYMENT_DECLINED",
                Instant.parse("2026-12-06T12:00:00.123Z"), 1234, "order-o1"));
    }

    @Test
    void aConfirmation_hasNoReason() {
        Outcomes.StatusEvent event = OrderEvents.parse(record("OrderConfirmed", "{\"orderId\":\"o1\",\"customerId\":\"c\"}"));

        assertThat(event.type()).isEqualTo("OrderConfirmed");
        assertThat(event.reason()).isNull();
    }

    @Test
    void aRecordWithoutTypeHeader_orOrderId_orJson_isNoStatusEvent() {
        assertThat(OrderEvents.parse(record(null, "{\"orderId\":\"o1\"}"))).isNull();
        assertThat(OrderEvents.parse(record("OrderConfirmed", "{\"customerId\":\"c\"}"))).isNull();
        assertThat(OrderEvents.parse(record("OrderConfirmed", "not json"))).isNull();
    }
}
