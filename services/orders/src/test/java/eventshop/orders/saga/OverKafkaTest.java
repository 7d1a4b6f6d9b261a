package eventshop.orders.saga;

import static eventshop.orders.Fixtures.checkout;
import static eventshop.orders.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.payments.PaymentEvent.PaymentAuthorized;
import eventshop.contracts.payments.PaymentEvent.PaymentCaptured;
import eventshop.eventsourcing.kafka.InProcessKafka;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.orders.OrdersApplication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as configured in orders.yml, against an in-process broker: a CartCheckedOut on carts.events
 * places the order, whose relay sends ReserveStock on inventory.commands (the log is the outbox); the
 * StockReserved answer on inventory.events leads to AuthorizePayment on payments.commands; the status
 * events go to orders.events (with the customer's id), and so does ShipmentRequested: the fulfilment function,
 * not orders, sends ShipStock.
 */
class OverKafkaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext orders;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        kafka.createTopics(1, Topics.CARTS_EVENTS, Topics.INVENTORY_EVENTS, Topics.PAYMENTS_EVENTS,
                Topics.INVENTORY_COMMANDS, Topics.PAYMENTS_COMMANDS, Topics.ORDERS_EVENTS);
        // arguments, not builder().properties(...): those are defaults, below orders.yml
        orders = OrdersApplication.builder().run(Stream.of(
                "eventshop.eventstore.engine=memory",
                "spring.datasource.url=jdbc:h2:mem:orders-kafka;DB_CLOSE_DELAY=-1",
                "spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "server.port=0",
                "eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
                "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN",
                "logging.level.state.change.logger=WARN", "logging.level.org.springframework.kafka=WARN",
                "logging.level.org.springframework.cloud.stream=WARN",
                "logging.level.org.springframework.integration=WARN").map(setting -> "--" + setting).toArray(String[]::new));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (orders != null) {
            orders.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void publish(String topic, String streamId, Object event) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, streamId, JSON.writeValueAsBytes(event));
        record.headers().add(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, event.getClass().getSimpleName().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.STREAM_ID, streamId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.CORRELATION_ID, ("checkout-" + streamId).getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    /** Reads {@code topic} from the start until a record keyed {@code key} of {@code type} arrives (at most 60 s). */
    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key, String type) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key()) && type.equals(header(record, EventHeaders.EVENT_TYPE))) {
                        return record;
                    }
                }
            }
            throw new AssertionError("no " + type + " keyed " + key + " on " + topic + " within 60 s");
        }
    }

    /** The {@code event-type}s of every record keyed {@code key} on {@code topic} now (read to its end). */
    private static List<String> types(String topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> types = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        types.add(header(record, EventHeaders.EVENT_TYPE));
                    }
                }
            }
            return types;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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

        // then the shipment request is published on orders.events (the fulfilment function sends ShipStock)
        ConsumerRecord<String, byte[]> shipment = awaitRecord(Topics.ORDERS_EVENTS, "order-" + order,
                "ShipmentRequested");
        assertThat(JSON.readTree(shipment.value()).get("attempt").asInt()).isEqualTo(1);
        assertThat(types(Topics.INVENTORY_COMMANDS, "order-" + order)).containsExactly("ReserveStock");
    }
}
