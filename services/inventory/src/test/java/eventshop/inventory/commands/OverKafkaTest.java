package eventshop.inventory.commands;

import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.newOrder;
import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.kafka.InProcessKafka;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.inventory.InventoryApplication;
import eventshop.inventory.reservations.MalformedCommand;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.Stock;
import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * The service as configured in inventory.yml, against an in-process broker: a ReserveStock sent on
 * inventory.commands is answered by StockReserved on inventory.events (through the log relay), and
 * a malformed command is parked at the first failure, without retries, and does not hold up the next.
 */
class OverKafkaTest {

    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext inventory;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        kafka.createTopics(1, Topics.INVENTORY_COMMANDS, Topics.INVENTORY_EVENTS);
        // arguments, not builder().properties(...): those are defaults, below inventory.yml
        inventory = InventoryApplication.builder().run(Stream.of(
                "eventshop.eventstore.engine=memory",
                "spring.datasource.url=jdbc:h2:mem:inventory-kafka;DB_CLOSE_DELAY=-1",
                "spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                "spring.cloud.stream.bindings.inventoryCommands-in-0.consumer.back-off-initial-interval=50",
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
        if (inventory != null) {
            inventory.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void send(String orderId, UUID commandId, String type, String json) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.INVENTORY_COMMANDS, "order-" + orderId,
                json.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_ID, commandId.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.CORRELATION_ID, ("checkout-" + orderId).getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    /** Reads {@code topic} from the start until a record keyed {@code key} arrives (at most 60 s). */
    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
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
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
            }
            throw new AssertionError("no record keyed " + key + " on " + topic + " within 60 s");
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void reserveStock_isAnsweredOnInventoryEvents_andAMalformedCommandIsParkedAtOnce() throws Exception {
        // given
        String sku = newSku("KAFKA");
        inventory.getBean(Stocks.class).handle(new Stock.ReceiveStock(sku, 5), context());
        String malformed = newOrder();
        String order = newOrder();
        UUID commandId = UUID.randomUUID();

        // when: a malformed command, then a good one behind it on the same partition
        send(malformed, UUID.randomUUID(), "ReserveStock", "{\"orderId\":");
        send(order, commandId, "ReserveStock",
                "{\"orderId\":\"" + order + "\",\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":2}]}");

        // then
        ConsumerRecord<String, byte[]> answer = awaitRecord(Topics.INVENTORY_EVENTS, "reservation-" + order);
        assertThat(header(answer, EventHeaders.EVENT_TYPE)).isEqualTo("StockReserved");
        assertThat(header(answer, EventHeaders.CAUSATION_ID)).isEqualTo(commandId.toString());
        assertThat(header(answer, EventHeaders.CORRELATION_ID)).isEqualTo("checkout-" + order);
        assertThat(new String(answer.value(), StandardCharsets.UTF_8)).contains("\"sku\":\"" + sku + "\"");

        ConsumerRecord<String, byte[]> parked = awaitRecord("error." + Topics.INVENTORY_COMMANDS + ".inventory",
                "order-" + malformed);
        assertThat(header(parked, "x-exception-stacktrace")).contains(MalformedCommand.class.getName());
        assertThat(inventory.getBean(MeterRegistry.class).counter("consumer.events", "consumer",
                CommandConsumer.CONSUMER, "outcome", "failed").count()).isEqualTo(1.0);
    }
}
