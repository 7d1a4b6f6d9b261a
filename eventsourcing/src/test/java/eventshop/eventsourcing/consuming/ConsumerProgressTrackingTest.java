package eventshop.eventsourcing.consuming;

import static eventshop.eventsourcing.kafka.RelayTestApp.appendRoundRobin;
import static eventshop.eventsourcing.kafka.RelayTestApp.effectCount;
import static eventshop.eventsourcing.kafka.RelayTestApp.streams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.kafka.broker.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link ConsumerProgressTracking} over the in-process broker, with the relay test service: a topic of
 * three partitions, the real producer's partitioning, a parked record, and a restart that seeds the
 * progress from the group's committed offsets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsumerProgressTrackingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int PARTITIONS = 3;

    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        kafka.createTopics(PARTITIONS, RelayTestApp.TOPIC, RelayTestApp.COMMAND_TOPIC);
        context = RelayTestApp.start(kafka, "consumer-progress-1");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ConsumerProgress.Feed feed(ConfigurableApplicationContext context) {
        return context.getBean(ConsumerProgress.class).feed(RelayTestApp.TOPIC, RelayTestApp.GROUP);
    }

    /** Per partition, the highest position of the events of {@code streams} that went there. */
    private static Map<Integer, Long> highestByPartition(EventStore store, List<String> streams) {
        Map<Integer, Long> highest = new HashMap<>();
        for (String stream : streams) {
            RecordedEvent last = store.read(stream, 0).blockLast();
            highest.merge(EventHeaders.partition(stream, PARTITIONS), last.position(), Math::max);
        }
        return highest;
    }

    @Test
    @Order(2)
    void theProgressOfEachPartition_isTheHighestPositionOfTheStreamsTheProducerPutThere_andSurvivesARestart() {
        // given events of many streams, spread over the three partitions by the relay's producer
        EventStore store = context.getBean(EventStore.class);
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        List<String> streams = streams("progress", 12);
        appendRoundRobin(store, streams, 5);
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "progress") >= 60);
        Map<Integer, Long> expected = highestByPartition(store, streams);
        assertThat(expected).hasSize(PARTITIONS);

        // then the feed knows the partitions, and each partition's position is exactly its streams' highest
        ConsumerProgress.Feed feed = feed(context);
        assertThat(feed.partitions()).isEqualTo(PARTITIONS);
        expected.forEach((partition, position) -> {
            await().atMost(PATIENCE).until(() -> feed.processed(partition) >= position);
            assertThat(feed.processed(partition)).as("partition %d", partition).isEqualTo(position);
            assertThat(feed.isAssigned(partition)).isTrue();
        });
        // and every stream's last event's token is reached, a later one is not
        ConsumerProgress progress = context.getBean(ConsumerProgress.class);
        var readModel = progress.readModel("effects", "orders");
        for (String stream : streams) {
            RecordedEvent last = store.read(stream, 0).blockLast();
            new ReadYourWrites(Duration.ZERO).await(readModel,
                    new ConsistencyToken("orders", last.position(), stream).toString());
            assertThat(progress.whenProcessed(new ConsistencyToken("orders", store.headPosition() + 1, stream)))
                    .isNotDone();
        }

        // when the service restarts (its memory store is empty: nothing new is published)
        Map<Integer, Long> before = feed.positions();
        context.close();
        context = RelayTestApp.start(kafka, "consumer-progress-2");

        // then the new consumer's progress is seeded from the group's committed offsets
        ConsumerProgress.Feed restarted = feed(context);
        await().atMost(PATIENCE).until(() -> restarted.positions().equals(before));
        assertThat(restarted.partitions()).isEqualTo(PARTITIONS);
    }

    /** Runs first, on the fresh topic: no other record can have taken its partition past it. */
    @Test
    @Order(1)
    void aParkedRecord_countsAsProcessed_soItsTokenDoesNotWaitForever() {
        // given an event whose effect fails on every attempt
        EventStore store = context.getBean(EventStore.class);
        UUID poison = UUID.randomUUID();
        RelayTestApp.POISON.add(poison);
        RecordedEvent parked = append(store, "parked-0", poison);
        ConsumerProgress progress = context.getBean(ConsumerProgress.class);
        var token = new ConsistencyToken("orders", parked.position(), "parked-0");

        try {
            // then once it is parked after its retries, its token is reached (its effect is not there)
            await().atMost(PATIENCE).until(() -> progress.whenProcessed(token).isDone());
            assertThat(RelayTestApp.ATTEMPTS.get(poison).get()).isEqualTo(3);
            assertThat(RelayTestApp.effectsOf(context.getBean(JdbcTemplate.class), poison)).isZero();
        } finally {
            RelayTestApp.POISON.remove(poison);
        }
    }

    private static RecordedEvent append(EventStore store, String stream, UUID id) {
        Metadata metadata = new Metadata("c", "c", "alice", Instant.parse("2025-01-02T03:04:05Z"), 1, Map.of());
        store.append(stream, ExpectedVersion.any(), List.of(new EventData(id, "ItemAdded",
                ("{\"stream\":\"" + stream + "\"}").getBytes(StandardCharsets.UTF_8), metadata)));
        return store.read(stream, 0).blockLast();
    }
}
