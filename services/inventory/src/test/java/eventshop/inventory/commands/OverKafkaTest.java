package eventshop.inventory.commands;

import static eventshop.eventsourcing.testing.TopicProbe.header;
import static eventshop.eventsourcing.testing.TopicProbe.keyed;
import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.newOrder;
import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.testing.OverKafka;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.inventory.InventoryApplication;
import eventshop.inventory.reservations.MalformedCommand;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.Stock;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static OverKafka kafka;
    private static ConfigurableApplicationContext inventory;
    private static TopicProbe probe;

    @BeforeAll
    static void start() {
        kafka = OverKafka.start(Topics.INVENTORY_COMMANDS, Topics.INVENTORY_EVENTS);
        inventory = kafka.runService(InventoryApplication.builder(),
                "spring.cloud.stream.bindings.inventoryCommands-in-0.consumer.back-off-initial-interval=50");
        probe = kafka.probe();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A command as orders sends it: keyed by the order's stream, correlated with its checkout. */
    private static void send(String orderId, UUID commandId, String type, String json) {
        probe.send(Topics.INVENTORY_COMMANDS, "order-" + orderId, json.getBytes(StandardCharsets.UTF_8), Map.of(
                EventHeaders.EVENT_ID, commandId.toString(),
                EventHeaders.EVENT_TYPE, type,
                EventHeaders.CORRELATION_ID, "checkout-" + orderId));
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
        assertThat(header(parked, "x-exception-stacktrace")).contains(MalformedCommand.class.getName());
        assertThat(inventory.getBean(MeterRegistry.class).counter("consumer.events", "consumer",
                CommandConsumer.CONSUMER, "outcome", "failed").count()).isEqualTo(1.0);
    }
}
