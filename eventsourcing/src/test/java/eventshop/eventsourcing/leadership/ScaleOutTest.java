package eventshop.eventsourcing.leadership;

import static eventshop.eventsourcing.kafka.RelayTestApp.appliedVersions;
import static eventshop.eventsourcing.kafka.RelayTestApp.effectCount;
import static eventshop.eventsourcing.kafka.RelayTestApp.streams;
import static eventshop.eventsourcing.kafka.RelayTestApp.upTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.example.Tab;
import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventsourcing.projection.Projection;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.ProjectionsEndpoint;
import eventshop.eventsourcing.projection.Tables;
import eventshop.eventsourcing.projection.TopicProjection;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventsourcing.relay.LogRelay;
import eventshop.eventsourcing.relay.RelayEndpoint;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.eventstore.WrongExpectedVersion;
import eventshop.kafka.broker.InProcessKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two instances of one service (the relay test service with a projection of its log) as two Spring contexts on
 * one embedded PostgreSQL (the same event store and the same read-model database) and one in-process broker:
 * the distributed topology's scale-out. One instance relays and runs the projections; both take commands,
 * consume (sharing the consumer group's partitions) and answer queries; when the leader goes, the other takes
 * over and nothing is lost, published out of order or applied twice.
 *
 * <p>The tests share the two instances and run in order: the last ones depose and close the leader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String DATABASE = "scaleout";

    private static EmbeddedPostgres postgres;
    private static InProcessKafka kafka;
    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private static JdbcTemplate jdbc;

    /**
     * The service with a projection of its log (one row per event, keyed by position: a double apply fails) and a
     * projection of its own topic (one row per event id, as a read model of another service's topic would be).
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(RelayTestApp.class)
    static class ServiceWithProjection {

        @Bean
        Projection positions() {
            return new Projection() {
                @Override
                public String name() {
                    return "positions";
                }

                @Override
                public List<String> tables() {
                    return List.of("positions");
                }

                @Override
                public void create(Tables tables, JdbcTemplate jdbc) {
                    jdbc.execute(tables.sql("CREATE TABLE {positions} (log_position BIGINT PRIMARY KEY,"
                            + " stream_id VARCHAR(200) NOT NULL, version BIGINT NOT NULL)"));
                }

                @Override
                public void apply(RecordedEvent event, Tables tables, JdbcTemplate jdbc) {
                    jdbc.update(tables.sql("INSERT INTO {positions} (log_position, stream_id, version) VALUES (?, ?, ?)"),
                            event.position(), event.streamId(), event.version());
                }
            };
        }

        @Bean
        TopicProjection published() {
            return new TopicProjection() {
                @Override
                public String name() {
                    return "published";
                }

                @Override
                public List<String> topics() {
                    return List.of(RelayTestApp.TOPIC);
                }

                @Override
                public List<String> tables() {
                    return List.of("published");
                }

                @Override
                public void create(Tables tables, JdbcTemplate jdbc) {
                    jdbc.execute(tables.sql("CREATE TABLE {published} (event_id VARCHAR(36) PRIMARY KEY,"
                            + " stream_id VARCHAR(200) NOT NULL)"));
                }

                @Override
                public void apply(String source, IncomingEvent event, Tables tables, JdbcTemplate jdbc) {
                    if (jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {published} WHERE event_id = ?"),
                            Integer.class, event.eventId().toString()) == 0) { // a copy the relay published again
                        jdbc.update(tables.sql("INSERT INTO {published} (event_id, stream_id) VALUES (?, ?)"),
                                event.eventId().toString(), event.streamId());
                    }
                }
            };
        }
    }

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        new JdbcTemplate(postgres.getPostgresDatabase()).execute("CREATE DATABASE " + DATABASE);
        jdbc = new JdbcTemplate(postgres.getDatabase("postgres", DATABASE));
        kafka = InProcessKafka.start();
        kafka.createTopics(3, RelayTestApp.TOPIC, RelayTestApp.COMMAND_TOPIC);
        ConfigurableApplicationContext first = startInstance();
        await().atMost(PATIENCE).until(() -> relay(first).status().state() == LogRelay.State.RUNNING);
        startInstance();
    }

    private static ConfigurableApplicationContext startInstance() {
        String url = postgres.getJdbcUrl("postgres", DATABASE);
        ConfigurableApplicationContext instance = RelayTestApp.start(ServiceWithProjection.class, kafka, "unused",
                "eventshop.eventstore.engine=postgres",
                "eventshop.eventstore.postgres.url=" + url,
                "spring.datasource.url=" + url,
                "eventshop.leadership.retry-interval=200ms",
                "eventshop.leadership.check-interval=100ms",
                "eventshop.leadership.lease=400ms",
                // a leader that stops waits for every send in flight before it saves its checkpoint and lets go
                // (a slow test machine may need longer than the default 2 s)
                "eventshop.relay.stop-timeout=30s",
                "management.endpoints.web.exposure.include=relay,projections,health");
        instances.add(instance);
        return instance;
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            instances.forEach(ConfigurableApplicationContext::close);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static LogRelay relay(ConfigurableApplicationContext instance) {
        return instance.getBean(LogRelay.class);
    }

    private static Projections projections(ConfigurableApplicationContext instance) {
        return instance.getBean(Projections.class);
    }

    private static EventStore store(ConfigurableApplicationContext instance) {
        return instance.getBean(EventStore.class);
    }

    private static List<ConfigurableApplicationContext> running() {
        return instances.stream().filter(ConfigurableApplicationContext::isActive).toList();
    }

    private static ConfigurableApplicationContext leader() {
        await().atMost(PATIENCE).until(() -> running().stream().filter(i -> i.getBean(Leadership.class).leading())
                .count() == 1);
        return running().stream().filter(i -> i.getBean(Leadership.class).leading()).findFirst().orElseThrow();
    }

    private static ConfigurableApplicationContext standby() {
        ConfigurableApplicationContext leader = leader();
        return running().stream().filter(i -> i != leader).findFirst().orElseThrow();
    }

    /** Appends one event to {@code stream} through {@code instance}'s event store. */
    private static long append(ConfigurableApplicationContext instance, String stream) {
        Metadata metadata = new Metadata("conversation-" + stream, "command", "alice",
                java.time.Instant.parse("2025-01-02T03:04:05Z"), 1, Map.of());
        return store(instance).append(stream, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(),
                "ItemAdded", "{}".getBytes(StandardCharsets.UTF_8), metadata))).position();
    }

    /** Waits until the leader has relayed the whole log and saved it as its checkpoint, and the projection applied it. */
    private static void awaitRelayedAndProjected() {
        await().atMost(PATIENCE).until(() -> {
            ConfigurableApplicationContext leader = leader();
            long head = store(leader).headPosition();
            LogRelay.Status relayed = relay(leader).status();
            ProjectionStatus projected = projections(leader).status("positions");
            return relayed.state() == LogRelay.State.RUNNING && relayed.checkpoint() == head
                    && projected.active().checkpoint() == head;
        });
    }

    /** Per stream starting with {@code prefix}, the versions on the topic in the order they were published. */
    private static Map<String, List<Long>> publishedVersions(String prefix) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(RelayTestApp.TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().startsWith(prefix + "-")) {
                        String version = new String(record.headers().lastHeader(EventHeaders.STREAM_VERSION).value(),
                                StandardCharsets.UTF_8);
                        versions.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(Long.parseLong(version));
                    }
                }
            }
        }
        return versions;
    }

    /** Per stream starting with {@code prefix}, its versions in the log. */
    private static Map<String, Long> eventsPerStream(String prefix, int streams) {
        Map<String, Long> counts = new HashMap<>();
        EventStore store = store(running().getFirst());
        for (String stream : streams(prefix, streams)) {
            counts.put(stream, store.read(stream, 0).count().block());
        }
        return counts;
    }

    private static long positionsRows() {
        Tables tables = projections(leader()).tables("positions");
        return jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {positions}"), Long.class);
    }

    // ------------------------------------------------------------------------------------------- tests

    @Test
    @Order(1)
    void oneInstanceRelaysAndProjects_theOtherStandsBy() {
        // when
        ConfigurableApplicationContext leader = leader();
        ConfigurableApplicationContext standby = standby();

        // then
        assertThat(relay(leader).status().state()).isEqualTo(LogRelay.State.RUNNING);
        assertThat(relay(standby).status().state()).isEqualTo(LogRelay.State.STANDBY);
        assertThat(projections(leader).leading()).isTrue();
        assertThat(projections(standby).leading()).isFalse();
        await().atMost(PATIENCE).until(() -> projections(standby).ready());
        assertThat(projections(standby).status("positions").state()).isEqualTo(ProjectionStatus.State.STANDBY);
        assertThatThrownBy(() -> projections(standby).rebuild("positions")).isInstanceOf(NotLeading.class);
        assertThat(standby.getBean(ProjectionsEndpoint.class).rebuild("positions").getStatus()).isEqualTo(409);
        assertThat(standby.getBean(RelayEndpoint.class).status().state()).isEqualTo(LogRelay.State.STANDBY);
        assertThat(standby.getBean(MeterRegistry.class).get("leadership.leading").gauge().value()).isZero();
        assertThat(leader.getBean(MeterRegistry.class).get("leadership.leading").gauge().value()).isEqualTo(1);
        assertThat(standby.getBean(Leadership.class)).isInstanceOf(AdvisoryLockLeadership.class);
    }

    @Test
    @Order(2)
    void commandsOnOneStream_throughBothInstances_conflict_andTheLoserDecidesAgain() throws Exception {
        // given one tab, opened through one instance
        ConfigurableApplicationContext a = running().get(0);
        ConfigurableApplicationContext b = running().get(1);
        JsonEventCodec<Tab.Event> codec = JsonEventCodec.of(Tab.Event.class);
        CommandHandler<Tab.Command, Tab.Event, Tab.State> tabsA = CommandHandler.builder("orders", store(a),
                Tab.DECIDER, codec).build();
        CommandHandler<Tab.Command, Tab.Event, Tab.State> tabsB = CommandHandler.builder("orders", store(b),
                Tab.DECIDER, codec).build();
        String tab = "tab-" + UUID.randomUUID();
        tabsA.handle(tab, new Tab.OpenTab(tab), CommandContext.start(UUID.randomUUID(), "alice"));

        // when both instances append at the same expected version, the second is refused
        long version = store(a).read(tab, 0).count().block() - 1;
        store(a).append(tab, ExpectedVersion.exactly(version), List.of(item(codec, "tea")));
        assertThatThrownBy(() -> store(b).append(tab, ExpectedVersion.exactly(version), List.of(item(codec, "cake"))))
                .isInstanceOf(WrongExpectedVersion.class);

        // and when commands on the tab arrive at both instances at once
        int perInstance = 40;
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (CommandHandler<Tab.Command, Tab.Event, Tab.State> tabs : List.of(tabsA, tabsB, tabsA, tabsB)) {
                sent.add(clients.submit(() -> {
                    for (int i = 0; i < perInstance / 2; i++) {
                        tabs.handle(tab, new Tab.AddItem("item", 10), CommandContext.start(UUID.randomUUID(), "alice"));
                    }
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } finally {
            clients.shutdownNow();
        }

        // then every command is in the stream once, decided on the state before it
        assertThat(tabsB.load(tab).state()).isEqualTo(new Tab.Open(tab, 100 + 2 * perInstance * 10, 1 + 2 * perInstance));
        assertThat(tabsA.load(tab).version()).isEqualTo(1 + 2 * perInstance);
    }

    private static EventData item(JsonEventCodec<Tab.Event> codec, String name) {
        Tab.Event added = new Tab.ItemAdded(name, 100);
        return new EventData(UUID.randomUUID(), codec.typeOf(added), codec.serialize(added), Metadata.EMPTY);
    }

    @Test
    @Order(3)
    void theLeaderRelaysEveryEventOnce_inStreamOrder_whileBothInstancesTakeCommands() {
        // given
        List<String> streams = streams("both", 6);
        List<ConfigurableApplicationContext> both = running();

        // when events are appended through both instances, round robin
        for (int i = 0; i < 20; i++) {
            for (int s = 0; s < streams.size(); s++) {
                append(both.get((i + s) % 2), streams.get(s));
            }
        }

        // then the topic has each event once, in stream order, and the consumer (both instances, one group) applied
        // each once, in order
        awaitRelayedAndProjected();
        Map<String, List<Long>> published = publishedVersions("both");
        assertThat(published).hasSize(6).allSatisfy((stream, versions) -> assertThat(versions).isEqualTo(upTo(20)));
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "both") >= 120);
        assertThat(appliedVersions(jdbc, "both")).hasSize(6)
                .allSatisfy((stream, versions) -> assertThat(versions).isEqualTo(upTo(20)));
    }

    @Test
    @Order(4)
    void theProjectionIsAppliedOnce_andAStandbyAnswersConsistencyTokens() {
        // given
        ConfigurableApplicationContext standby = standby();

        // when an event is appended through the standby, and its query carries the command's token
        long position = append(standby, "token-0");
        ConsistencyToken token = new ConsistencyToken("orders", position, "token-0");
        Long rows = projections(standby).read("positions", token, tables -> jdbc.queryForObject(
                tables.sql("SELECT COUNT(*) FROM {positions} WHERE log_position = ?"), Long.class, position));

        // then the standby's query waited for the leader's projection, and reads its row
        assertThat(rows).isEqualTo(1);
        // and a read model of the topic, kept by the leader, answers the token on the standby too
        RecordedEvent appended = store(standby).readAll(position, 1).blockFirst();
        Long published = projections(standby).read("published", token, tables -> jdbc.queryForObject(
                tables.sql("SELECT COUNT(*) FROM {published} WHERE event_id = ?"), Long.class,
                appended.eventId().toString()));
        assertThat(published).isEqualTo(1);
        awaitRelayedAndProjected();
        long head = store(standby).headPosition();
        assertThat(positionsRows()).isEqualTo(head + 1);
        assertThat(projections(standby).status("positions").active().checkpoint()).isEqualTo(head);
        assertThat(relay(standby).status().checkpoint()).isEqualTo(head);
    }

    @Test
    @Order(5)
    void whenTheLeadersLockSessionDies_midStream_theOtherInstanceTakesOver_andNothingIsLostOrReordered() throws Exception {
        // given events arriving through both instances
        List<String> streams = streams("deposed", 4);
        List<ConfigurableApplicationContext> both = running();
        ConfigurableApplicationContext leader = leader();
        AtomicBoolean appending = new AtomicBoolean(true);
        AtomicInteger rounds = new AtomicInteger();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writing = writer.submit(() -> {
            while (appending.get() || rounds.get() < 30) {
                int round = rounds.getAndIncrement();
                for (int s = 0; s < streams.size(); s++) {
                    append(both.get((round + s) % 2), streams.get(s));
                }
            }
        });
        await().atMost(PATIENCE).until(() -> rounds.get() >= 10);

        // when the leader's lock session is killed (its connection lost): it is deposed without closing
        int key = AdvisoryLockLeadership.keyOf("orders", LeadershipAutoConfiguration.ROLE);
        jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND classid = ? AND objid = ? AND granted", AdvisoryLockLeadership.NAMESPACE, key);
        await().atMost(PATIENCE).until(() -> relay(leader).status().state() == LogRelay.State.STANDBY
                || leader.getBean(Leadership.class).leading());
        appending.set(false);
        writing.get();
        writer.shutdownNow();

        // then one instance leads and has relayed and projected the whole log
        awaitRelayedAndProjected();
        Map<String, Long> logged = eventsPerStream("deposed", 4);
        Map<String, List<Long>> published = publishedVersions("deposed");
        // every event is on the topic; a copy published again after the takeover (at-least-once: from the
        // shared checkpoint) never comes before an earlier event of its stream: no version skips ahead
        assertThat(published).hasSize(4).allSatisfy((stream, versions) -> {
            assertThat(versions).containsAll(upTo(Math.toIntExact(logged.get(stream))));
            long highest = -1;
            for (long version : versions) {
                assertThat(version).as("%s: a version published before its predecessor", stream)
                        .isLessThanOrEqualTo(highest + 1);
                highest = Math.max(highest, version);
            }
        });
        // the consumer applied each once, in order; the projection each once
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "deposed")
                == logged.values().stream().mapToLong(Long::longValue).sum());
        assertThat(appliedVersions(jdbc, "deposed")).allSatisfy((stream, versions) ->
                assertThat(versions).isEqualTo(upTo(Math.toIntExact(logged.get(stream)))));
        assertThat(positionsRows()).isEqualTo(store(leader()).headPosition() + 1);
    }

    @Test
    @Order(6)
    void whenTheLeaderStops_midStream_theStandbyTakesOver_andPublishesEveryEventOnce() throws Exception {
        // given events arriving through the standby
        List<String> streams = streams("handover", 4);
        ConfigurableApplicationContext leader = leader();
        ConfigurableApplicationContext standby = standby();
        AtomicBoolean appending = new AtomicBoolean(true);
        AtomicInteger rounds = new AtomicInteger();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writing = writer.submit(() -> {
            while (appending.get() || rounds.get() < 30) {
                rounds.incrementAndGet();
                streams.forEach(stream -> append(standby, stream));
            }
        });
        await().atMost(PATIENCE).until(() -> rounds.get() >= 10);

        // when the leader shuts down (its consumer's partitions move to the standby, too)
        leader.close();
        appending.set(false);
        writing.get();
        writer.shutdownNow();

        // then the standby leads, and every event is on the topic exactly once, in stream order: the old leader
        // saved its checkpoint after its last acknowledgement and before it let go of the lock
        await().atMost(PATIENCE).until(() -> standby.getBean(Leadership.class).leading());
        awaitRelayedAndProjected();
        Map<String, Long> logged = eventsPerStream("handover", 4);
        assertThat(publishedVersions("handover")).hasSize(4).allSatisfy((stream, versions) ->
                assertThat(versions).isEqualTo(upTo(Math.toIntExact(logged.get(stream)))));
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "handover")
                == logged.values().stream().mapToLong(Long::longValue).sum());
        assertThat(appliedVersions(jdbc, "handover")).allSatisfy((stream, versions) ->
                assertThat(versions).isEqualTo(upTo(Math.toIntExact(logged.get(stream)))));
        assertThat(positionsRows()).isEqualTo(store(standby).headPosition() + 1);
        assertThat(projections(standby).status("positions").state()).isEqualTo(ProjectionStatus.State.RUNNING);
    }
}
