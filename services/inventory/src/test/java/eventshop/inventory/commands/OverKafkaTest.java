package eventshop.inventory.commands;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.newOrder;
import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.inventory.InventoryApplication;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.Stock;
import eventshop.kafka.broker.InProcessKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext inventory;
    private static TopicProbe probe;

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
        probe = new TopicProbe(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (probe != null) {
            probe.close();
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
        probe.send(record);
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
        ConsumerRecord<String, byte[]> answer = probe.await(Topics.INVENTORY_EVENTS, 1, keyed("reservation-" + order), PATIENCE).getFirst();
        assertThat(header(answer, EventHeaders.EVENT_TYPE)).isEqualTo("StockReserved");
        assertThat(header(answer, EventHeaders.CAUSATION_ID)).isEqualTo(commandId.toString());
        assertThat(header(answer, EventHeaders.CORRELATION_ID)).isEqualTo("checkout-" + order);
        assertThat(new String(answer.value(), StandardCharsets.UTF_8)).contains("\"sku\":\"" + sku + "\"");

        ConsumerRecord<String, byte[]> parked = probe.await("error." + Topics.INVENTORY_COMMANDS + ".inventory",
                1, keyed("order-" + malformed), PATIENCE).getFirst();
        assertThat(header(parked, "x-exception-stacktrace")).contains(MalformedMessage.class.getName());
        assertThat(inventory.getBean(MeterRegistry.class).counter("consumer.events", "consumer",
                CommandConsumer.CONSUMER, "outcome", "failed").count()).isEqualTo(1.0);
    }
}
