package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.relay.LogRelay;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.kafka.broker.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where the relay put events on Kafka, found over a real broker: the relay test service ({@code orders}, relaying
 * to {@code orders.events} and sending {@code StockRequested} to {@code stock.commands}) with the console's beans
 * as its auto-configuration makes them. Topics of two partitions, so a search reads more than one.
 */
class OpsKafkaRecordsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static InProcessKafka kafka;
    private static TopicProbe probe;
    private static ConfigurableApplicationContext context;
    private static EventStore store;
    private static LogRelay relay;
    private static OpsKafkaRecords records;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        kafka.createTopics(2, RelayTestApp.TOPIC, RelayTestApp.COMMAND_TOPIC);
        probe = new TopicProbe(kafka.bootstrapServers());
        context = RelayTestApp.start(kafka, "ops-records", "spring.main.web-application-type=servlet",
                "eventshop.relay.private-types=SecretNoted", "spring.cloud.stream.function.autodetect=false",
                "spring.cloud.function.definition=");
        store = context.getBean(EventStore.class);
        relay = context.getBean(LogRelay.class);
        records = context.getBean(OpsKafkaRecords.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (probe != null) {
            probe.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static RecordedEvent append(String stream, String type, String correlation) {
        Metadata metadata = new Metadata(correlation, "cause", "alice", Instant.now(), 1, Map.of());
        long position = store.append(stream, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), type,
                "{\"note\":1}".getBytes(StandardCharsets.UTF_8), metadata))).position();
        return store.readAll(position, 1).blockFirst();
    }

    private static void awaitRelayed() {
        long head = store.headPosition();
        await().atMost(PATIENCE).until(() -> relay.position() >= head);
    }

    /** The record at {@code record}'s place, read back from the topic. */
    private static ConsumerRecord<String, byte[]> readBack(OpsKafkaRecords.KafkaRecord record) {
        return probe.readToEnd(record.topic()).stream()
                .filter(found -> found.partition() == record.partition() && found.offset() == record.offset())
                .findFirst().orElseThrow();
    }

    @Test
    void findsEachEventsRecord_onTheTopicItsRouteNames_inOneSearch() {
        // given events for the events topic and one routed to a command topic, among others of other streams
        for (int i = 0; i < 30; i++) {
            append("noise-" + i % 4, "ItemAdded", "other");
        }
        RecordedEvent first = append("basket-1", "ItemAdded", "checkout-1");
        RecordedEvent routed = append("basket-1", RelayTestApp.ROUTED_TYPE, "checkout-1");
        RecordedEvent other = append("basket-2", "ItemAdded", "checkout-1");
        for (int i = 0; i < 30; i++) {
            append("noise-" + i % 4, "ItemAdded", "other");
        }
        awaitRelayed();

        // when
        OpsKafkaRecords.Found found = records.find(List.of(first, routed, other));

        // then
        assertThat(found.error()).isNull();
        for (RecordedEvent event : List.of(first, routed, other)) {
            OpsKafkaRecords.KafkaRecord record = found.at(event.position());
            assertThat(record).as("record of %s", event).isNotNull();
            assertThat(record.topic()).isEqualTo(event == routed ? RelayTestApp.COMMAND_TOPIC : RelayTestApp.TOPIC);
            ConsumerRecord<String, byte[]> stored = readBack(record);
            assertThat(stored.key()).isEqualTo(event.streamId());
            assertThat(TopicProbe.header(stored, EventHeaders.SOURCE_POSITION)).isEqualTo(
                    Long.toString(event.position()));
            assertThat(TopicProbe.header(stored, EventHeaders.SOURCE)).isEqualTo("orders");
            assertThat(record.timestamp()).isEqualTo(Instant.ofEpochMilli(stored.timestamp()));
        }
        assertThat(found.at(routed.position()).partition())
                .isEqualTo(EventHeaders.partition(routed.streamId(), 2));
    }

    @Test
    void eventsTheRelayKeepsPrivate_haveNoRecord_andNoBrokerIsAskedForThem() {
        // given a private type and an audit record
        RecordedEvent secret = append("basket-3", "SecretNoted", "checkout-3");
        context.getBean(OpsAudit.class).record(EdgeUser.admin("admin-1", "admin@example.com"), "unmask", "1:/x", "",
                null);
        RecordedEvent audited = store.read(OpsAudit.STREAM, store.streamVersion(OpsAudit.STREAM)).blockFirst();
        awaitRelayed();

        // when
        OpsKafkaRecords.Found found = records.find(List.of(secret, audited));

        // then
        assertThat(records.destinationOf(secret)).isEmpty();
        assertThat(records.destinationOf(audited)).isEmpty();
        assertThat(found.records()).isEmpty();
        assertThat(found.error()).isNull();
    }

    @Test
    void anEventNotSentYet_hasNoRecord_andTheSearchEndsAtThePartitionsEnd() {
        // given
        relay.stop();
        try {
            RecordedEvent pending = append("basket-4", "ItemAdded", "checkout-4");

            // when
            OpsKafkaRecords.Found found = records.find(List.of(pending));

            // then
            assertThat(found.at(pending.position())).isNull();
            assertThat(found.error()).isNull();
        } finally {
            relay.start();
        }
    }

    @Test
    void aCorrelation_isEveryEventOfItInTheLog_eachWithItsRecord() {
        // given
        RecordedEvent placed = append("basket-5", "ItemAdded", "checkout-5");
        append("basket-6", "ItemAdded", "checkout-6");
        RecordedEvent requested = append("basket-5", RelayTestApp.ROUTED_TYPE, "checkout-5");
        RecordedEvent secret = append("basket-5", "SecretNoted", "checkout-5");
        awaitRelayed();

        // when
        OpsLogController.Correlation correlation = context.getBean(OpsLogController.class).correlation("checkout-5");

        // then
        assertThat(correlation.service()).isEqualTo("orders");
        assertThat(correlation.events()).extracting(relayed -> relayed.event().position())
                .containsExactly(placed.position(), requested.position(), secret.position());
        assertThat(correlation.events().get(0).record().topic()).isEqualTo(RelayTestApp.TOPIC);
        assertThat(correlation.events().get(1).record().topic()).isEqualTo(RelayTestApp.COMMAND_TOPIC);
        assertThat(correlation.events().get(2).record()).isNull();
        assertThat(correlation.events()).allSatisfy(relayed -> assertThat(relayed.recordError()).isNull());
        assertThat(context.getBean(OpsLogController.class).event(placed.position()).record())
                .isEqualTo(correlation.events().get(0).record());
    }
}
