package eventshop.edge.admission;

import eventshop.contracts.EventEnvelope;
import eventshop.contracts.Topics;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells {@link CheckoutAdmission} when an order settles: {@code OrderConfirmed} and {@code OrderCancelled} on
 * {@code orders.events}. Every edge instance reads every partition from where the topic ends when it starts (a consumer
 * group of its own, {@code edge-admission-<random>}, that commits nothing, so it leaves nothing behind on the broker
 * when the instance stops): it needs to see the settlements of the checkouts it admitted, wherever they land, and
 * nothing from before it ran. Other event types are passed over without being read; an event that does not parse is
 * logged and skipped (its checkout is then given up in time). {@code eventshop.edge.admission.follow-order-events=false}
 * leaves the listener stopped (tests that hand it events themselves).
 */
@Configuration(proxyBeanMethods = false)
class OrderSettlements {

    static final String LISTENER = "edge-order-settlements";
    static final String NO_COMMITS = "edgeAdmissionCommitsNothing";

    private static final Logger LOG = LoggerFactory.getLogger(OrderSettlements.class);
    private static final String CONFIRMED = OrderConfirmed.class.getSimpleName();
    private static final String CANCELLED = OrderCancelled.class.getSimpleName();

    private final CheckoutAdmission admission;
    private final JsonMapper json;

    OrderSettlements(CheckoutAdmission admission, JsonMapper json) {
        this.admission = admission;
        this.json = json;
    }

    @KafkaListener(id = LISTENER, topics = Topics.ORDERS_EVENTS, groupId = "edge-admission-${random.uuid}",
            autoStartup = "${eventshop.edge.admission.follow-order-events:${eventshop.edge.admission.enabled:true}}", containerPostProcessor = NO_COMMITS,
            properties = {"auto.offset.reset=latest", "enable.auto.commit=false"})
    void on(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader(EventEnvelope.EVENT_TYPE);
        if (type != null) {
            on(new String(type.value(), StandardCharsets.UTF_8), record.value());
        }
    }

    /** Handles one event of {@code orders.events} by its type and its JSON. */
    void on(String type, byte[] data) {
        try {
            if (CONFIRMED.equals(type)) {
                settled(json.readValue(data, OrderConfirmed.class).orderId(), false, type);
            } else if (CANCELLED.equals(type)) {
                OrderCancelled cancelled = json.readValue(data, OrderCancelled.class);
                settled(cancelled.orderId(), cancelled.reason() == CancellationReason.TIMED_OUT, type);
            }
        } catch (JacksonException | IllegalArgumentException unreadable) {
            LOG.warn("skipped an unreadable {} on {}: {}", type, Topics.ORDERS_EVENTS, unreadable.toString());
        }
    }

    private void settled(String orderId, boolean timedOut, String type) {
        if (orderId == null || orderId.isBlank()) {
            LOG.warn("skipped a {} on {} without an order id", type, Topics.ORDERS_EVENTS);
            return;
        }
        admission.settled(orderId, timedOut);
    }

    /** Acknowledged by hand and never acknowledged: the listener's group keeps no offsets. */
    @Bean(NO_COMMITS)
    static ContainerPostProcessor<Object, Object, AbstractMessageListenerContainer<Object, Object>> edgeAdmissionCommitsNothing() {
        return container -> container.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL);
    }
}
