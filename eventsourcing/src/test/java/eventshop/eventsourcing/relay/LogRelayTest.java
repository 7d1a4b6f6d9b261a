package eventshop.eventsourcing.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.leadership.SoleInstance;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.memory.InMemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's bookkeeping against a publisher the test acknowledges or fails by hand. */
class LogRelayTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final EventStore store = new InMemoryEventStore();
    private final ManualPublisher publisher = new ManualPublisher();
    private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    private final LogRelay relay = new LogRelay("test", "test.events", store, publisher, checkpoints,
            new RelayProperties(true, null, 4, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(10),
                    Duration.ofMillis(50), Duration.ofMillis(200), Set.of("Secret"), Set.of()), new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        relay.stop();
        store.close();
    }

    @Test
    void sendsInPositionOrder_andNoMoreThanTheWindowAtOnce() {
        append(10);
        relay.start();

        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 4);
        assertThat(publisher.sent).containsExactly(0L, 1L, 2L, 3L);

        publisher.ack(0);
        publisher.ack(1);
        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 6);
        assertThat(publisher.sent).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void theCheckpoint_neverPassesAnUnacknowledgedEvent() {
        append(4);
        relay.start();
        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 4);

        publisher.ack(1);
        publisher.ack(2);
        publisher.ack(3);
        await().atMost(PATIENCE).until(() -> relay.status().inFlight() == 1);
        assertThat(relay.status().position()).isEqualTo(-1);
        assertThat(checkpoints.load("test")).isEqualTo(-1);

        publisher.ack(0);
        await().atMost(PATIENCE).until(() -> checkpoints.load("test") == 3);
        assertThat(relay.status().lag()).isZero();
    }

    @Test
    void afterAFailedSend_itWaitsForWhatIsInFlight_thenResumesAfterTheAcknowledgedPosition() {
        append(4);
        relay.start();
        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 4);

        publisher.ack(0);
        publisher.fail(1);
        await().atMost(PATIENCE).until(() -> relay.status().state() == LogRelay.State.RETRYING);
        publisher.ack(2);
        assertThat(publisher.sent).hasSize(4 + 1 - 1); // nothing new while 3 is still in flight
        publisher.ack(3);

        await().atMost(PATIENCE).until(() -> publisher.sent.size() >= 7);
        assertThat(publisher.sent).containsExactly(0L, 1L, 2L, 3L, 1L, 2L, 3L);
        assertThat(relay.status().lastError()).contains("position 1");
        publisher.ack(1);
        publisher.ack(2);
        publisher.ack(3);
        await().atMost(PATIENCE).until(() -> relay.status().position() == 3
                && relay.status().state() == LogRelay.State.RUNNING);
    }

    @Test
    void aSendReportedFailedAndThrown_asTheBinderDoesOnAMetadataTimeout_waitsForEverySendBeforeIt() {
        // given events 0 and 1 in flight when the send of 2 is reported failed and then thrown (the Kafka binder
        // does both when the producer gives up waiting for a topic's metadata, as in a broker outage)
        append(4);
        publisher.failAndThrowAt = 2;
        relay.start();
        await().atMost(PATIENCE).until(() -> publisher.refused == 1
                && relay.status().state() == LogRelay.State.RETRYING);

        // when the broker acknowledges 0
        publisher.ack(0);

        // then 1 is still in flight: the relay waits for it and sends nothing again yet
        await().atMost(PATIENCE).until(() -> relay.status().position() == 0);
        assertThat(relay.status().inFlight()).isOne();
        assertThat(publisher.sent).containsExactly(0L, 1L);

        // and when 1 is acknowledged, it goes on from 2, sending nothing twice
        publisher.ack(1);
        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 4);
        assertThat(publisher.sent).containsExactly(0L, 1L, 2L, 3L);
        publisher.ack(2);
        publisher.ack(3);
        await().atMost(PATIENCE).until(() -> relay.status().position() == 3
                && relay.status().state() == LogRelay.State.RUNNING);
        assertThat(relay.status().inFlight()).isZero();
    }

    @Test
    void aSendThatThrows_isRetriedWithBackoff_fromTheSamePosition() {
        append(2);
        publisher.refuse = true;
        relay.start();
        await().atMost(PATIENCE).until(() -> publisher.refused >= 3);
        assertThat(publisher.sent).isEmpty();

        publisher.refuse = false;
        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 2);
        assertThat(publisher.sent).containsExactly(0L, 1L);
    }

    @Test
    void restarting_resumesAfterTheSavedCheckpoint() {
        append(3);
        relay.start();
        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 3);
        publisher.ack(0);
        publisher.ack(1);
        await().atMost(PATIENCE).until(() -> checkpoints.load("test") == 1);

        relay.stop();
        publisher.sent.clear();
        relay.start();

        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 1);
        assertThat(publisher.sent).containsExactly(2L);
    }

    @Test
    void privateTypes_areNeverPublished_butTheCheckpointPassesThem() {
        append(2);
        store.append("s-0", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Secret",
                new byte[0], Metadata.EMPTY))); // position 2
        append(1); // position 3
        store.append("s-1", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Secret",
                new byte[0], Metadata.EMPTY))); // position 4, the last one
        relay.start();

        await().atMost(PATIENCE).until(() -> publisher.sent.size() == 3);
        assertThat(publisher.sent).containsExactly(0L, 1L, 3L);
        publisher.ack(0);
        publisher.ack(1);
        publisher.ack(3);

        await().atMost(PATIENCE).until(() -> checkpoints.load("test") == 4);
        assertThat(relay.status().lag()).isZero();
        assertThat(publisher.sent).containsExactly(0L, 1L, 3L);
    }

    @Test
    void routes_sendCommandsToTheirTopic_keepPrivateEvents_andPublishTheRest() {
        LogRelay routed = new LogRelay("routed", "test.events", store, publisher, checkpoints,
                new RelayProperties(true, null, 4, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(200), Set.of("Secret"), Set.of("x.commands")),
                event -> switch (event.type()) {
                    case "Requested" -> RelayRoutes.Route.send("x.commands", "DoIt", "{\"n\":1}".getBytes());
                    case "Hidden" -> RelayRoutes.Route.skip();
                    default -> RelayRoutes.Route.events();
                }, new SimpleMeterRegistry());
        UUID requested = UUID.randomUUID();
        append(1); // 0
        store.append("s-0", ExpectedVersion.any(), List.of(new EventData(requested, "Requested",
                new byte[0], Metadata.EMPTY))); // 1
        store.append("s-0", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Hidden",
                new byte[0], Metadata.EMPTY))); // 2
        store.append("s-0", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Secret",
                new byte[0], Metadata.EMPTY))); // 3
        append(1); // 4
        try {
            routed.start();

            await().atMost(PATIENCE).until(() -> publisher.sent.size() == 3);
            assertThat(publisher.sent).containsExactly(0L, 1L, 4L);
            assertThat(publisher.routed).singleElement().satisfies(command -> {
                assertThat(command.topic()).isEqualTo("x.commands");
                assertThat(command.event().type()).isEqualTo("DoIt");
                assertThat(command.event().eventId()).isEqualTo(requested); // the stored id is the command id
                assertThat(command.event().streamId()).isEqualTo("s-0");
                assertThat(command.event().position()).isEqualTo(1L);
                assertThat(new String(command.event().data())).isEqualTo("{\"n\":1}");
            });
            publisher.ack(0);
            publisher.ack(1);
            publisher.ack(4);
            await().atMost(PATIENCE).until(() -> checkpoints.load("routed") == 4);
        } finally {
            routed.stop();
        }
    }

    @Test
    void aTranslatedEvent_goesToTheEventsTopic_asItsPublishedForm_inTheStoredEnvelope() {
        LogRelay translating = new LogRelay("translating", "test.events", store, publisher, checkpoints,
                new RelayProperties(true, null, 4, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(200), Set.of(), Set.of()),
                event -> event.type().equals("Internal")
                        ? RelayRoutes.Route.publish("Published", "{\"public\":true}".getBytes())
                        : RelayRoutes.Route.events(), new SimpleMeterRegistry());
        UUID internal = UUID.randomUUID();
        Metadata metadata = new Metadata("corr-1", "cause-1", "alice", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                2, java.util.Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        append(1); // 0
        store.append("s-9", ExpectedVersion.any(), List.of(new EventData(internal, "Internal",
                "{\"secret\":1}".getBytes(), metadata))); // 1
        try {
            translating.start();

            await().atMost(PATIENCE).until(() -> publisher.sent.size() == 2);
            assertThat(publisher.routed).isEmpty();
            assertThat(publisher.ownTopic).hasSize(2);
            RecordedEvent published = publisher.ownTopic.get(1);
            assertThat(published.type()).isEqualTo("Published");
            assertThat(new String(published.data())).isEqualTo("{\"public\":true}");
            assertThat(published.eventId()).isEqualTo(internal);
            assertThat(published.streamId()).isEqualTo("s-9");
            assertThat(published.version()).isZero();
            assertThat(published.position()).isEqualTo(1L);
            // the envelope is the stored event's, but the schema version is the published type's (1: no history),
            // not that of the private event it was translated from
            assertThat(published.metadata()).isEqualTo(metadata.withSchemaVersion(1));
            publisher.ack(0);
            publisher.ack(1);
            await().atMost(PATIENCE).until(() -> checkpoints.load("translating") == 1);
        } finally {
            translating.stop();
        }
    }

    @Test
    void anEventStoredInAnOldSchemaVersion_isPublishedAsTheCurrentOne_withItsHeaderSayingSo() {
        // given a log with a version-1 event of a type now at version 2 (renamed on the way), and a current one
        eventshop.eventsourcing.schema.Upcasters upcasters = eventshop.eventsourcing.schema.Upcasters.builder()
                .current("Shelved", 2)
                .rename("Stored", 1, "Shelved", data -> data.put("bin", 0))
                .build();
        LogRelay upcasting = new LogRelay("upcasting", "test.events", store, publisher, checkpoints,
                new RelayProperties(true, null, 4, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(200), Set.of(), Set.of()), RelayRoutes.EVENTS,
                new SimpleMeterRegistry(), new SoleInstance("relay"), upcasters);
        UUID old = UUID.randomUUID();
        store.append("s-5", ExpectedVersion.any(), List.of(
                new EventData(old, "Stored", "{\"sku\":\"A\"}".getBytes(), Metadata.EMPTY),
                new EventData(UUID.randomUUID(), "Shelved", "{\"sku\":\"B\",\"bin\":3}".getBytes(),
                        Metadata.EMPTY.withSchemaVersion(2))));
        try {
            // when
            upcasting.start();
            await().atMost(PATIENCE).until(() -> publisher.ownTopic.size() == 2);

            // then
            RecordedEvent first = publisher.ownTopic.get(0);
            assertThat(first.eventId()).isEqualTo(old);
            assertThat(first.type()).isEqualTo("Shelved");
            assertThat(new String(first.data())).isEqualTo("{\"sku\":\"A\",\"bin\":0}");
            assertThat(EventHeaders.of(first, "test")).containsEntry(EventHeaders.SCHEMA_VERSION, "2")
                    .containsEntry(EventHeaders.EVENT_TYPE, "Shelved");
            assertThat(new String(publisher.ownTopic.get(1).data())).isEqualTo("{\"sku\":\"B\",\"bin\":3}");
            publisher.ack(0);
            publisher.ack(1);
            await().atMost(PATIENCE).until(() -> checkpoints.load("upcasting") == 1);
        } finally {
            upcasting.stop();
        }
    }

    @Test
    void aPublishedRoute_needsATypeAndData() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayRoutes.Route.publish(" ", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayRoutes.Route.publish("T", null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRouteThatThrows_stopsTheRelayAtThatEvent_andIsRetried() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        LogRelay broken = new LogRelay("broken", "test.events", store, publisher, checkpoints,
                new RelayProperties(true, null, 4, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(200), Set.of(), Set.of()),
                event -> {
                    if (event.position() == 1 && calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("no route yet");
                    }
                    return RelayRoutes.Route.events();
                }, new SimpleMeterRegistry());
        append(3);
        try {
            broken.start();
            await().atMost(PATIENCE).until(() -> publisher.sent.contains(0L));
            publisher.ack(0); // a failed session waits for what is in flight before it resumes
            await().atMost(PATIENCE).until(() -> publisher.sent.contains(2L));
            assertThat(calls.get()).isGreaterThanOrEqualTo(3);
            assertThat(broken.status().lastError()).contains("no route yet");
            assertThat(publisher.sent).containsSubsequence(0L, 1L, 2L);
        } finally {
            broken.stop();
        }
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            store.append("s-" + (i % 2), ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "T",
                    new byte[0], Metadata.EMPTY)));
        }
    }

    private static final class ManualPublisher implements RelayPublisher {
        final List<Long> sent = new CopyOnWriteArrayList<>();
        /** What went to the relay's own topic (not routed elsewhere), as handed over. */
        final List<RecordedEvent> ownTopic = new CopyOnWriteArrayList<>();
        volatile boolean refuse;
        volatile int refused;
        /** The position whose send is reported failed to the listener and then thrown, once; -1 for none. */
        volatile long failAndThrowAt = -1;
        private Listener listener;

        @Override
        public void listen(Listener listener) {
            this.listener = listener;
        }

        record Routed(String topic, RecordedEvent event) {
        }

        final List<Routed> routed = new CopyOnWriteArrayList<>();

        @Override
        public void send(String topic, RecordedEvent event) {
            routed.add(new Routed(topic, event));
            handOver(event);
        }

        @Override
        public void publish(RecordedEvent event) {
            handOver(event);
            ownTopic.add(event);
        }

        private void handOver(RecordedEvent event) {
            if (event.position() == failAndThrowAt) {
                failAndThrowAt = -1;
                listener.failed(event.position(), new IllegalStateException("topic not present in metadata"));
                refused++;
                throw new IllegalStateException("topic not present in metadata");
            }
            if (refuse) {
                refused++;
                throw new IllegalStateException("broker unreachable");
            }
            sent.add(event.position());
        }

        void ack(long position) {
            listener.acknowledged(position);
        }

        void fail(long position) {
            listener.failed(position, new IllegalStateException("record too large"));
        }
    }

    private static final class MemoryCheckpoints implements RelayCheckpoints {
        private final Map<String, Long> positions = new ConcurrentHashMap<>();

        @Override
        public long load(String relay) {
            return positions.getOrDefault(relay, -1L);
        }

        @Override
        public void save(String relay, long position) {
            positions.put(relay, position);
        }
    }
}
