package eventshop.eventsourcing.projection;

import static eventshop.eventsourcing.projection.Tally.entries;
import static eventshop.eventsourcing.projection.Tally.streams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.consistency.ReadYourWrites;
import eventshop.eventsourcing.testing.TestDatabases;
import eventshop.kafka.broker.InProcessKafka;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventsourcing.projection.ProjectionStatus.State;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.memory.InMemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Topic projections: the runtime's Kafka-topic source, over an in-process broker and an H2 read model,
 * without Spring. Every test reads topics of its own ({@code <service>.events} of a new service name).
 */
class TopicProjectionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ProjectionProperties SETTINGS = ProjectionProperties.defaults()
            .withRetry(Duration.ofMillis(10), Duration.ofMillis(100)).withDropAfter(Duration.ofSeconds(1))
            .withPartitionRefresh(Duration.ofMillis(200));

    private static InProcessKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    private static Admin admin;

    private final JdbcConnectionPool dataSource = TestDatabases.h2("topic-projections");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final List<Projections> started = new ArrayList<>();
    private final List<Tally> tallies = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, AtomicLong> positions = new HashMap<>();
    /** A service of this test alone, and its topic. */
    private final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    private final String topic = service + ".events";

    @BeforeAll
    static void startKafka() {
        quiet("org.apache.kafka", "kafka", "state.change.logger", "org.apache.zookeeper");
        kafka = InProcessKafka.start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(),
                new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static void quiet(String... loggers) {
        for (String name : loggers) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
    }

    @AfterAll
    static void stopKafka() {
        producer.close();
        admin.close();
        kafka.close();
    }

    @AfterEach
    void tearDown() {
        running.set(false);
        background.shutdownNow();
        tallies.forEach(Tally::resume);
        started.forEach(Projections::stop);
        dataSource.dispose();
    }

    // ------------------------------------------------------------ helpers

    private Projections start(Tally tally) {
        tallies.add(tally);
        Projections projections = new Projections("shop", new InMemoryEventStore(), dataSource, List.of(tally),
                SETTINGS, new ReadYourWrites(Duration.ofMillis(100)), new SimpleMeterRegistry(),
                Map.of("bootstrap.servers", kafka.bootstrapServers()));
        started.add(projections);
        projections.start();
        return projections;
    }

    /** A published event: its stream and the token of its command. */
    private record Sent(String source, String stream, long position, int partition) {
        String token() {
            return new ConsistencyToken(source, position, stream).toString();
        }
    }

    /** Publishes an event of {@code topic}'s service as its relay would: keyed by stream, with the envelope headers. */
    private Sent publish(String topic, String stream, String payload) {
        return publish(topic, null, stream, payload, true);
    }

    private synchronized Sent publish(String topic, Integer partition, String stream, String payload, boolean envelope) {
        String source = TopicReader.sourceOf(topic);
        long position = positions.computeIfAbsent(source, s -> new AtomicLong(-1)).incrementAndGet();
        RecordHeaders headers = new RecordHeaders();
        if (envelope) {
            Map<String, String> values = new TreeMap<>();
            values.put(EventHeaders.EVENT_ID, UUID.randomUUID().toString());
            values.put(EventHeaders.EVENT_TYPE, "Counted");
            values.put(EventHeaders.STREAM_ID, stream);
            values.put(EventHeaders.STREAM_VERSION, "0");
            values.put(EventHeaders.SOURCE_POSITION, Long.toString(position));
            values.put(EventHeaders.SOURCE, source);
            values.put(EventHeaders.EVENT_TIMESTAMP, "2026-03-01T08:00:00Z");
            values.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int written = producer.send(new ProducerRecord<>(topic, partition, stream,
                    payload.getBytes(StandardCharsets.UTF_8), headers)).get().partition();
            return new Sent(source, stream, position, written);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} events over seven streams of {@code topic}. */
    private Sent publishMany(String topic, int count) {
        Sent last = null;
        for (int i = 0; i < count; i++) {
            last = publish(topic, "stream-" + i % 7, "event-" + i);
        }
        return last;
    }

    private void createTopic(String topic, int partitions) {
        kafka.createTopics(partitions, topic);
    }

    private static long endOffsets(String... topics) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topics)).allTopicNames().get().forEach((name, description) ->
                    description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()),
                            OffsetSpec.latest())));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the active generation has read every record on {@code topics} and no rebuild runs. */
    private static void awaitCaughtUp(Projections projections, String... topics) {
        await().atMost(PATIENCE).until(() -> {
            ProjectionStatus status = projections.status("tally");
            return status.rebuild() == null && status.state() == State.RUNNING
                    && status.active().checkpoint() == endOffsets(topics);
        });
    }

    /** Every record of the topics is in the read model exactly once, and the checkpoints are the topics' ends. */
    private void assertMatchesTheTopics(Projections projections, long skipped, String... topics) {
        long records = endOffsets(topics);
        Tables tables = projections.tables("tally");
        assertThat(entries(jdbc, tables)).isEqualTo(records - skipped);
        assertThat(jdbc.queryForObject("SELECT SUM(next_offset) FROM projection_offsets WHERE projection_name = 'tally'"
                + " AND generation = ?", Long.class, tables.generation())).isEqualTo(records);
        assertThat(jdbc.queryForObject("SELECT applied_position FROM projection_generations WHERE projection_name ="
                + " 'tally' AND generation = ?", Long.class, tables.generation())).isEqualTo(records);
    }

    // ------------------------------------------------------------ tests

    @Nested
    class Reading {

        @Test
        void everyRecordOfEveryPartition_fromBeforeAndAfterStart_isAppliedOnce_withItsCheckpoint() throws Exception {
            // given two topics of two services, one with three partitions
            String other = "other-" + service + ".events";
            createTopic(topic, 3);
            createTopic(other, 1);
            publishMany(topic, 300);
            publishMany(other, 50);

            // when
            Projections projections = start(new Tally(List.of(topic, other)));
            publishMany(topic, 200);
            publishMany(other, 50);

            // then
            awaitCaughtUp(projections, topic, other);
            assertMatchesTheTopics(projections, 0, topic, other);
            ProjectionStatus status = projections.status("tally");
            assertThat(status.active().partitions()).hasSize(4)
                    .allSatisfy(partition -> assertThat(partition.lag()).isZero());
            assertThat(status.head()).isEqualTo(600);
            assertThat(status.lag()).isZero();
            assertThat(status.appliedBySource()).containsEntry(service, 499L).containsEntry("other-" + service, 99L);
            assertThat(admin.listConsumerGroups().all().get()).as("no consumer group").isEmpty();
        }

        @Test
        void newPartitionsAndTopics_arePickedUp() throws Exception {
            // given a projection of a topic with one partition and of one that does not exist yet
            String later = "later-" + service + ".events";
            createTopic(topic, 1);
            publishMany(topic, 20);
            Projections projections = start(new Tally(List.of(topic, later)));
            awaitCaughtUp(projections, topic);

            // when the first topic gets two more partitions and the second is created
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
            createTopic(later, 2);
            for (int partition = 0; partition < 3; partition++) {
                publish(topic, partition, "stream-p" + partition, "on partition " + partition, true);
            }
            publish(later, 1, "stream-later", "later", true);

            // then
            awaitCaughtUp(projections, topic, later);
            assertMatchesTheTopics(projections, 0, topic, later);
            assertThat(projections.status("tally").active().partitions()).hasSize(5);
        }

        @Test
        void recordsThatAreNotTheRelaysEvents_arePassedOver_andCounted() {
            // given a record without envelope, and one the projection cannot read
            createTopic(topic, 2);
            publishMany(topic, 10);
            publish(topic, 0, "stream-x", "no headers", false);
            publish(topic, "stream-y", "unreadable");
            publishMany(topic, 10);

            // when
            Projections projections = start(new Tally(List.of(topic)));

            // then
            awaitCaughtUp(projections, topic);
            assertMatchesTheTopics(projections, 2, topic);
            assertThat(projections.status("tally").active().skipped()).isEqualTo(2);
        }

        @Test
        void aReadAtABatchBoundary_seesWholeBatches_withTheirCheckpoint() throws Exception {
            createTopic(topic, 3);
            Projections projections = start(new Tally(List.of(topic)));
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; running.get() && i < 3_000; i++) {
                    publish(topic, "stream-" + i % 11, "event-" + i);
                }
            }, background);
            long reads = 0;
            while (!publishing.isDone()) {
                projections.readAtBatchBoundary("tally", (tables, checkpoint) -> {
                    assertThat(entries(jdbc, tables)).isEqualTo(Math.max(0, checkpoint.applied()));
                    return null;
                });
                reads++;
            }
            publishing.get();
            awaitCaughtUp(projections, topic);
            assertThat(reads).isPositive();
        }
    }

    @Nested
    class Failures {

        @Test
        void crashAfterWriting_rollsBackAndRetries_soEveryRecordIsAppliedOnce() {
            createTopic(topic, 3);
            publishMany(topic, 500);
            Tally tally = new Tally(List.of(topic));
            tally.failOnceAfterWriting("event-250");

            Projections projections = start(tally);

            awaitCaughtUp(projections, topic);
            assertThat(tally.thrown).hasValue(1);
            assertMatchesTheTopics(projections, 0, topic);
            assertThat(projections.status("tally").active().lastError()).isNull();
        }

        @Test
        void aPoisonRecord_isPinnedToItsPlace_untilFixed_neverSkipped() {
            // given
            createTopic(topic, 1);
            publishMany(topic, 100);
            publish(topic, "stream-p", "poison");
            publishMany(topic, 50);
            Tally tally = new Tally(List.of(topic));

            // when
            Projections projections = start(tally);

            // then: stuck on the poison record, everything before it applied, nothing after
            await().atMost(PATIENCE).until(() -> {
                ProjectionStatus status = projections.status("tally");
                return status.state() == State.FAILED && status.active().checkpoint() == 100
                        && status.active().lastError().contains("at " + topic + "-0@100");
            });
            assertThat(entries(jdbc, projections.tables("tally"))).isEqualTo(100);
            assertThat(ProjectionsHealthIndicator.status(projections).health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(projections.status("tally").active().lastErrorAt()).isNotNull();

            // when fixed
            tally.acceptPoison();

            // then
            awaitCaughtUp(projections, topic);
            assertMatchesTheTopics(projections, 0, topic);
            assertThat(ProjectionsHealthIndicator.status(projections).health().getStatus()).isEqualTo(Status.UP);
        }

        @Test
        void stopAndRestartMidStream_resumesFromTheCheckpoints_andDoublesNothing() {
            // given a runner that has read some of every partition
            createTopic(topic, 3);
            for (int i = 0; i < 1_500; i++) {
                publish(topic, i % 3, "stream-" + i % 7, "event-" + i, true);
            }
            Projections first = start(new Tally(List.of(topic)));
            await().atMost(PATIENCE).until(() -> first.status("tally").active().partitions().size() == 3
                    && first.status("tally").active().partitions().stream().allMatch(p -> p.offset() > 0));

            // when it stops (with a checkpoint on every partition), more records come, and another starts on the
            // same database
            first.stop();
            long stoppedAt = first.status("tally").active().checkpoint();
            publishMany(topic, 500);
            Projections second = start(new Tally(List.of(topic)));

            // then it reads only what came after the checkpoints
            awaitCaughtUp(second, topic);
            assertMatchesTheTopics(second, 0, topic);
            assertThat(second.status("tally").active().processed()).isEqualTo(2_000 - stoppedAt);
        }
    }

    @Nested
    class BlueGreen {

        @Test
        void rebuildWhileRecordsArrive_switchesToTheSameContent_withoutDisturbingQueries() throws Exception {
            // given
            createTopic(topic, 3);
            publishMany(topic, 1_500);
            Projections projections = start(new Tally(List.of(topic)));
            awaitCaughtUp(projections, topic);
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; running.get() && i < 1_000; i++) {
                    publish(topic, "stream-" + i % 7, "more-" + i);
                }
            }, background);
            AtomicReference<Throwable> queryError = new AtomicReference<>();
            AtomicLong wentBackwards = new AtomicLong();
            CompletableFuture<Void> querying = CompletableFuture.runAsync(() -> {
                long seen = 0;
                while (running.get()) {
                    try {
                        long count = projections.read("tally", tables -> entries(jdbc, tables));
                        if (count < seen) {
                            wentBackwards.incrementAndGet();
                        }
                        seen = count;
                    } catch (RuntimeException e) {
                        queryError.compareAndSet(null, e);
                    }
                }
            }, background);

            // when
            ProjectionStatus rebuilding = projections.rebuild("tally");

            // then
            assertThat(rebuilding.rebuild()).isNotNull();
            assertThat(rebuilding.rebuild().generation()).isEqualTo(2);
            await().atMost(PATIENCE).until(() -> projections.status("tally").active().generation() == 2);
            publishing.get();
            running.set(false);
            querying.get();
            awaitCaughtUp(projections, topic);
            assertThat(queryError).hasValue(null);
            assertThat(wentBackwards).hasValue(0);
            assertMatchesTheTopics(projections, 0, topic);
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                        + " WHERE TABLE_NAME IN ('ENTRIES_G1', 'STREAMS_G1')", Integer.class)).isZero();
                assertThat(jdbc.queryForList("SELECT DISTINCT generation FROM projection_offsets", Integer.class))
                        .containsExactly(2);
            });
        }

        @Test
        void newVersion_rebuildsAtStart_whileTheOldGenerationServes() {
            // given a read model built by version 1
            createTopic(topic, 2);
            publishMany(topic, 200);
            Projections v1 = start(new Tally(List.of(topic), 1));
            awaitCaughtUp(v1, topic);
            v1.stop();
            publishMany(topic, 100);

            // when version 2 starts
            Tally tally = new Tally(List.of(topic), 2);
            tally.pause();
            Projections v2 = start(tally);

            // then generation 1 serves, frozen, until generation 2 has caught up
            ProjectionStatus frozen = v2.status("tally");
            assertThat(frozen.active().state()).isEqualTo(RunnerState.FROZEN);
            assertThat(frozen.rebuild()).isNotNull();
            assertThat(v2.<Long>read("tally", tables -> entries(jdbc, tables))).isEqualTo(200);
            assertThat(v2.ready()).isFalse();

            tally.resume();
            await().atMost(PATIENCE).until(() -> v2.status("tally").active().generation() == 2 && v2.ready());
            awaitCaughtUp(v2, topic);
            assertMatchesTheTopics(v2, 0, topic);
        }
    }

    @Nested
    class Readiness {

        @Test
        void notReady_untilCaughtUpWithTheEndOffsetsSeenAtStart() {
            createTopic(topic, 3);
            publishMany(topic, 100);
            Tally tally = new Tally(List.of(topic));
            tally.pause();

            Projections projections = start(tally);

            assertThat(projections.ready()).isFalse();
            assertThat(ProjectionsHealthIndicator.readiness(projections).health().getStatus())
                    .isEqualTo(Status.OUT_OF_SERVICE);
            tally.resume();
            await().atMost(PATIENCE).until(projections::ready);
            assertThat(ProjectionsHealthIndicator.readiness(projections).health().getStatus()).isEqualTo(Status.UP);
        }
    }

    @Nested
    class ConsistencyTokens {

        @Test
        void aTokenWithItsStream_waitsForItsPartition_andOneWithout_forTheWholeLogEstimate() throws Exception {
            // given a paused projection and an event of one stream
            createTopic(topic, 3);
            Tally tally = new Tally(List.of(topic));
            Projections projections = start(tally);
            publishMany(topic, 30);
            awaitCaughtUp(projections, topic);
            tally.pause();
            Sent sent = publish(topic, "stream-alice", "alice");

            // then a short wait times out, naming the stream's partition
            assertThatThrownBy(() -> new ReadYourWrites(Duration.ofMillis(50)).await(projections.progress("tally"),
                    sent.token()))
                    .isInstanceOf(NotYetConsistent.class)
                    .hasMessageContaining("on partition " + sent.partition() + " of " + topic);

            // and waits with and without stream return once the projection applied it
            CompletableFuture<Long> withStream = CompletableFuture.supplyAsync(() -> {
                new ReadYourWrites(PATIENCE).await(projections.progress("tally"), sent.token());
                return projections.read("tally", tables -> entries(jdbc, tables));
            }, background);
            CompletableFuture<Long> withoutStream = CompletableFuture.supplyAsync(() -> {
                new ReadYourWrites(PATIENCE).await(projections.progress("tally"), service + ":" + sent.position());
                return projections.read("tally", tables -> entries(jdbc, tables));
            }, background);
            assertThat(withStream).isNotDone();
            assertThat(withoutStream).isNotDone();
            tally.resume();
            assertThat(withStream.get()).isEqualTo(31);
            assertThat(withoutStream.get()).isEqualTo(31);
        }

        @Test
        void tokensOfAServiceItDoesNotRead_orMalformed_areInvalid_andNoToken_doesNotWait() {
            createTopic(topic, 1);
            Tally tally = new Tally(List.of(topic));
            Projections projections = start(tally);
            tally.pause();
            publish(topic, "stream-bob", "bob");

            assertThatThrownBy(() -> projections.read("tally", "shop:0", tables -> 0))
                    .isInstanceOf(InvalidConsistencyToken.class).hasMessageContaining("does not follow");
            assertThatThrownBy(() -> projections.read("tally", service, tables -> 0))
                    .isInstanceOf(InvalidConsistencyToken.class);
            assertThat(projections.<Long>read("tally", (String) null, tables -> entries(jdbc, tables))).isZero();
        }
    }

    @Test
    void theEndOffsetsClient_holdsTheAssignment_soKafkaWarnsOfNoUnassignedPartition() {
        // the warning of a consumer asked for end offsets of partitions it is not assigned
        ch.qos.logback.classic.Logger offsets = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        offsets.addAppender(logged);
        try {
            createTopic(topic, 3);
            Projections projections = start(new Tally(List.of(topic)));
            for (int round = 0; round < 20; round++) {
                publishMany(topic, 10);
                awaitCaughtUp(projections, topic);
            }
        } finally {
            offsets.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void whatARebuildReplays_isTheRecordsOnTheTopics_andWhatTheyHadAtAnInstant_isCountedByTheirTimestamps()
            throws Exception {
        // given 9 records from two hours ago and 4 from one hour ago, over two partitions
        createTopic(topic, 2);
        java.time.Instant now = java.time.Instant.now();
        for (int i = 0; i < 13; i++) {
            long timestamp = now.minus(Duration.ofHours(i < 9 ? 2 : 1)).toEpochMilli();
            producer.send(new ProducerRecord<>(topic, i % 2, timestamp, "stream-" + i,
                    ("event-" + i).getBytes(StandardCharsets.UTF_8))).get();
        }

        // when
        Projections projections = start(new Tally(List.of(topic)));

        // then
        assertThat(projections.sourceEvents("tally")).isEqualTo(13);
        assertThat(projections.sourceEventsAt("tally", now.minus(Duration.ofMinutes(90)))).isEqualTo(9);
        assertThat(projections.sourceEventsAt("tally", now.minus(Duration.ofHours(3)))).isZero();
        assertThat(projections.sourceEventsAt("tally", now)).isEqualTo(13);
    }

    @Test
    void aTopicProjection_needsEventsTopics_andKafkaSettings() {
        ReadYourWrites waits = new ReadYourWrites(Duration.ZERO);
        assertThatThrownBy(() -> new Projections("shop", new InMemoryEventStore(), dataSource,
                List.of(new Tally(List.of("orders.commands"))), SETTINGS, waits, null, Map.of("bootstrap.servers", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a <service>.events topic");
        assertThatThrownBy(() -> new Projections("shop", new InMemoryEventStore(), dataSource,
                List.of(new Tally(List.of())), SETTINGS, waits, null, Map.of("bootstrap.servers", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no topic");
        assertThatThrownBy(() -> new Projections("shop", new InMemoryEventStore(), dataSource,
                List.of(new Tally(List.of(topic))), SETTINGS, waits, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    }
}
