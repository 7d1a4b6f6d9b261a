package eventshop.eventsourcing.relay;

import static eventshop.eventsourcing.kafka.RelayTestApp.appendRoundRobin;
import static eventshop.eventsourcing.kafka.RelayTestApp.appliedVersions;
import static eventshop.eventsourcing.kafka.RelayTestApp.effectCount;
import static eventshop.eventsourcing.kafka.RelayTestApp.streams;
import static eventshop.eventsourcing.kafka.RelayTestApp.upTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventstore.EventStore;
import eventshop.kafka.broker.InProcessKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The broker goes away and comes back while the service keeps appending; the whole service
 * restarts over its data directory and database. One broker for both, each test its own topic
 * group of streams.
 */
class RelayResilienceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static InProcessKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = InProcessKafka.start();
        kafka.createTopics(3, RelayTestApp.TOPIC);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void restartingTheService_midStream_resumesFromItsCheckpoint_andAppliesEachEffectOnce(@TempDir Path data) {
        String[] settings = {"eventshop.eventstore.engine=file", "eventshop.eventstore.directory=" + data.resolve("store"),
                "eventshop.eventstore.durability=NONE",
                "spring.datasource.url=jdbc:h2:file:" + data.resolve("db") + ";DB_CLOSE_DELAY=-1"};
        List<String> streams = streams("service-restart", 4);

        // given a service that stops while it relays and consumes
        try (ConfigurableApplicationContext context = RelayTestApp.start(kafka, "unused", settings)) {
            EventStore store = context.getBean(EventStore.class);
            appendRoundRobin(store, streams, 30);
            await().atMost(PATIENCE).until(() -> effectCount(context.getBean(JdbcTemplate.class), "service-restart") > 0);
        }

        // when it starts again over the same data and appends more
        try (ConfigurableApplicationContext context = RelayTestApp.start(kafka, "unused", settings)) {
            EventStore store = context.getBean(EventStore.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            LogRelay relay = context.getBean(LogRelay.class);
            assertThat(relay.status().checkpoint()).isGreaterThanOrEqualTo(0);
            appendRoundRobin(store, streams, 30);

            // then every event arrives once, each stream in order
            await().atMost(PATIENCE).until(() -> effectCount(jdbc, "service-restart") >= 240);
            assertThat(appliedVersions(jdbc, "service-restart")).hasSize(4)
                    .allSatisfy((stream, versions) -> assertThat(versions).isEqualTo(upTo(60)));
            await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);
        }
    }

    @Test
    void theRelayPausesDuringABrokerOutage_andResumes_losingNothing_andKeepingStreamOrder() {
        try (ConfigurableApplicationContext context = RelayTestApp.start(kafka, "broker-outage")) {
            EventStore store = context.getBean(EventStore.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            LogRelay relay = context.getBean(LogRelay.class);
            List<String> streams = streams("outage", 4);

            // given events flowing
            appendRoundRobin(store, streams, 25);
            await().atMost(PATIENCE).until(() -> effectCount(jdbc, "outage") >= 40);
            ListAppender<ILoggingEvent> relayLog = capture(LogRelay.class);

            // when the broker stops while appends continue
            kafka.stopBroker();
            appendRoundRobin(store, streams, 25);

            // then the relay pauses, saying so once
            await().atMost(PATIENCE).until(() -> relay.status().state() == LogRelay.State.PAUSED);
            assertThat(relay.status().lag()).isPositive();
            long checkpointDuringOutage = relay.status().checkpoint();

            // when the broker comes back and appends go on
            kafka.startBroker();
            appendRoundRobin(store, streams, 25);

            // then everything arrives, each effect once, each stream in order
            await().atMost(PATIENCE).until(() -> effectCount(jdbc, "outage") >= 300);
            Map<String, List<Long>> applied = appliedVersions(jdbc, "outage");
            assertThat(applied).hasSize(4).allSatisfy((stream, versions) ->
                    assertThat(versions).isEqualTo(upTo(75)));
            await().atMost(PATIENCE).until(() -> relay.status().lag() == 0
                    && relay.status().state() == LogRelay.State.RUNNING);
            assertThat(relay.status().checkpoint()).isGreaterThan(checkpointDuringOutage);
            assertThat(relayLog.list).filteredOn(event -> event.getLevel() == Level.WARN)
                    .singleElement().satisfies(event -> assertThat(event.getFormattedMessage()).contains("paused"));
            assertThat(relayLog.list).filteredOn(event -> event.getFormattedMessage().contains("resumed"))
                    .hasSize(1);
        }
    }

    @Test
    void anEventTheProducerRefuses_holdsTheRelayAtThatEvent_withTheErrorShown() {
        try (ConfigurableApplicationContext context = RelayTestApp.start(kafka, "refused-send",
                "spring.cloud.stream.kafka.bindings.eventshopRelay-out-0.producer.configuration.max.request.size=4096")) {
            EventStore store = context.getBean(EventStore.class);
            LogRelay relay = context.getBean(LogRelay.class);
            RelayTestApp.append(store, "refused-0");
            await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);
            long delivered = relay.status().position();

            // when an event is larger than the producer may send
            byte[] large = ("{\"note\":\"" + "x".repeat(8000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            store.append("refused-0", eventshop.eventstore.ExpectedVersion.any(), List.of(new eventshop.eventstore.EventData(
                    java.util.UUID.randomUUID(), "Large", large, eventshop.eventstore.Metadata.EMPTY)));
            RelayTestApp.append(store, "refused-0");

            // then the relay retries from it, shows why, and does not move past it
            await().atMost(PATIENCE).until(() -> relay.status().lastError() != null);
            assertThat(relay.status().lastError()).contains("RecordTooLargeException");
            assertThat(relay.status().state()).isIn(LogRelay.State.RETRYING, LogRelay.State.PAUSED);
            assertThat(relay.status().position()).isEqualTo(delivered);
            assertThat(relay.status().lag()).isEqualTo(2);
        }
    }

    private static ListAppender<ILoggingEvent> capture(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }
}
