package eventshop.orders.saga;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.orders.OrdersApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as configured in orders.yml, against an in-process broker: a CartCheckedOut on carts.events
 * places the order, whose relay sends ReserveStock on inventory.commands (the log is the outbox); the
 * StockReserved answer on inventory.events leads to AuthorizePayment on payments.commands; the status
 * events go to orders.events (with the customer's id), and nothing else does: the saga's steps are orders'
 * private events, so the captured payment's shipment request goes to inventory.commands as ShipStock.
 */
class OverKafkaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static OverKafka kafka;
    private static ConfigurableApplicationContext orders;
    private static TopicProbe probe;

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(Topics.CARTS_EVENTS, Topics.INVENTORY_EVENTS, Topics.PAYMENTS_EVENTS,
                Topics.INVENTORY_COMMANDS, Topics.PAYMENTS_COMMANDS, Topics.ORDERS_EVENTS);
        orders = kafka.runService(OrdersApplication.builder());
        probe = kafka.probe();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void publish(String topic, String streamId, Object event) throws Exception {
        probe.send(topic, streamId, JSON.writeValueAsBytes(event), Map.of(
                EventHeaders.EVENT_ID, UUID.randomUUID().toString(),
                EventHeaders.EVENT_TYPE, event.getClass().getSimpleName(),
                EventHeaders.STREAM_ID, streamId,
                EventHeaders.CORRELATION_ID, "checkout-" + streamId));
    }

    /** The first record on {@code topic} keyed {@code key} of event type {@code type} (read from the start). */
    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key, String type) {
        return probe.await(topic, 1, record -> key.equals(record.key())
                && type.equals(header(record, EventHeaders.EVENT_TYPE)), PATIENCE).getFirst();
    }

    /** The event types of every record keyed {@code key} on {@code topic} now. */
    private static List<String> types(String topic, String key) {
        return probe.readToEnd(topic).stream().filter(keyed(key))
                .map(record -> header(record, EventHeaders.EVENT_TYPE)).toList();
    }

    @Test
    void aCheckout_becomesReserveStock_andTheReservation_becomesAuthorizePayment() throws Exception {
        // given
        String customer = newId();
        String order = newId();

        // when
        publish(Topics.CARTS_EVENTS, "cart-" + customer, checkout(customer, order));

        // then
        ConsumerRecord<String, byte[]> reserve = awaitRecord(Topics.INVENTORY_COMMANDS, "order-" + order, "ReserveStock");
        assertThat(JSON.readTree(reserve.value()).get("orderId").asString()).isEqualTo(order);
        assertThat(JSON.readTree(reserve.value()).get("lines")).hasSize(2);
        assertThat(header(reserve, EventHeaders.CORRELATION_ID)).isEqualTo("checkout-cart-" + customer);
        assertThat(header(reserve, EventHeaders.EVENT_ID)).isNotBlank();
        ConsumerRecord<String, byte[]> placed = awaitRecord(Topics.ORDERS_EVENTS, "order-" + order, "OrderPlaced");
        assertThat(JSON.readTree(placed.value()).get("totalCents").asLong()).isEqualTo(3179);

        // when inventory answers
        publish(Topics.INVENTORY_EVENTS, "reservation-" + order,
                new StockReserved(order, List.of(new StockLine("SKU-1", 2), new StockLine("SKU-2", 1))));

        // then
        ConsumerRecord<String, byte[]> authorize = awaitRecord(Topics.PAYMENTS_COMMANDS, "order-" + order,
                "AuthorizePayment");
        assertThat(JSON.readTree(authorize.value()).get("amountCents").asLong()).isEqualTo(3179);
        assertThat(JSON.readTree(authorize.value()).get("customerId").asString()).isEqualTo(customer);
        awaitRecord(Topics.ORDERS_EVENTS, "order-" + order, "OrderStockReserved");

        // when payments authorizes, then captures
        publish(Topics.PAYMENTS_EVENTS, "payment-" + order, new PaymentAuthorized(order, customer, 3179, "VISA", "4242"));
        ConsumerRecord<String, byte[]> confirmed = awaitRecord(Topics.ORDERS_EVENTS, "order-" + order, "OrderConfirmed");
        assertThat(JSON.readTree(confirmed.value()).get("customerId").asString()).isEqualTo(customer);
        awaitRecord(Topics.PAYMENTS_COMMANDS, "order-" + order, "CapturePayment");
        publish(Topics.PAYMENTS_EVENTS, "payment-" + order, new PaymentCaptured(order, 3179));

        // then the shipment request goes to inventory as ShipStock (issue 12: no longer through a function)
        ConsumerRecord<String, byte[]> shipment = awaitRecord(Topics.INVENTORY_COMMANDS, "order-" + order,
                "ShipStock");
        assertThat(JSON.readTree(shipment.value()).get("orderId").asString()).isEqualTo(order);
        assertThat(types(Topics.INVENTORY_COMMANDS, "order-" + order)).containsExactly("ReserveStock", "ShipStock");
        // and orders.events carries the published language only: the status events, none of the saga's steps
        assertThat(types(Topics.ORDERS_EVENTS, "order-" + order)).containsExactly("OrderPlaced",
                "OrderStockReserved", "OrderPaymentAuthorized", "OrderConfirmed");
    }
}
