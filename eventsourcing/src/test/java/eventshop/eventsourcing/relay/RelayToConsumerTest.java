package eventshop.eventsourcing.relay;

import static eventshop.eventsourcing.kafka.RelayTestApp.appendRoundRobin;
import static eventshop.eventsourcing.kafka.RelayTestApp.appliedVersions;
import static eventshop.eventsourcing.kafka.RelayTestApp.effectCount;
import static eventshop.eventsourcing.kafka.RelayTestApp.streams;
import static eventshop.eventsourcing.kafka.RelayTestApp.upTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventshop.eventsourcing.consuming.ConsumerOffsets;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.ParkedEndpoint;
import eventshop.eventsourcing.consuming.ParkedMessage;
import eventshop.eventsourcing.consuming.ParkedMessages;
import eventshop.eventsourcing.kafka.RelayTestApp;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.testing.TopicProbe;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.kafka.broker.InProcessKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relay and an exactly-once consumer end to end, over one in-process broker and one service
 * context shared by every test (each test uses its own streams).
 */
class RelayToConsumerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String BINDING = RelayTestApp.CONSUMER + "-in-0";

    private static RelayTestApp.Running running;
    private static InProcessKafka kafka;
    private static ConfigurableApplicationContext context;
    private static EventStore store;
    private static JdbcTemplate jdbc;
    private static LogRelay relay;

    @BeforeAll
    static void start() {
        running = RelayTestApp.startWithBroker(RelayTestApp.class, 3, "relay-to-consumer",
                "spring.main.web-application-type=servlet");
        kafka = running.kafka();
        context = running.context();
        store = context.getBean(EventStore.class);
        jdbc = context.getBean(JdbcTemplate.class);
        relay = context.getBean(LogRelay.class);
    }

    @AfterAll
    static void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void everyEvent_reachesTheConsumer_once_inStreamOrder() {
        // given
        List<String> streams = streams("e2e", 6);

        // when
        appendRoundRobin(store, streams, 25);

        // then
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "e2e") >= 150);
        Map<String, List<Long>> applied = appliedVersions(jdbc, "e2e");
        assertThat(applied).hasSize(6).allSatisfy((stream, versions) -> assertThat(versions).isEqualTo(upTo(25)));
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);
        assertThat(relay.status().state()).isEqualTo(LogRelay.State.RUNNING);
    }

    @Test
    void publishedRecords_carryTheEnvelopeHeaders_andTheStreamIdAsKey() {
        // given
        UUID id = RelayTestApp.append(store, "headers-0");
        RecordedEvent stored = store.read("headers-0", 0).blockFirst();

        // when
        ConsumerRecord<byte[], byte[]> record = readFromTopic(id);

        // then
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("headers-0");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"stream\":\"headers-0\"}");
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry(EventHeaders.EVENT_ID, id.toString())
                .containsEntry(EventHeaders.EVENT_TYPE, "ItemAdded")
                .containsEntry(EventHeaders.STREAM_ID, "headers-0")
                .containsEntry(EventHeaders.STREAM_VERSION, "0")
                .containsEntry(EventHeaders.SOURCE_POSITION, Long.toString(stored.position()))
                .containsEntry(EventHeaders.SOURCE, "orders")
                .containsEntry(EventHeaders.CORRELATION_ID, "conversation-headers-0")
                .containsEntry(EventHeaders.CAUSATION_ID, "command-" + id)
                .containsEntry(EventHeaders.ACTING_USER, "alice")
                .containsEntry(EventHeaders.EVENT_TIMESTAMP, "2025-01-02T03:04:05Z")
                .containsEntry(EventHeaders.SCHEMA_VERSION, "1");
        // and the consumer's context continues the conversation and the trace
        await().atMost(PATIENCE).until(() -> RelayTestApp.effectsOf(jdbc, id) == 1);
        Map<String, Object> effect = jdbc.queryForMap(
                "SELECT traceparent, correlation_id, command_id FROM effects WHERE event_id = ?", id.toString());
        assertThat(effect).containsEntry("CORRELATION_ID", "conversation-headers-0")
                .containsEntry("COMMAND_ID", id.toString());
        // the record names the relay's PRODUCER span, a child of the span stored with the event; the consumer's
        // CONSUMER span is the producer's child, and the effect (and the commands it causes) carry that span on
        SpanData producer = awaitSpan(id, SpanKind.PRODUCER);
        SpanData consumer = awaitSpan(id, SpanKind.CONSUMER);
        assertThat(producer.getName()).isEqualTo("publish " + RelayTestApp.TOPIC);
        assertThat(producer.getTraceId()).isEqualTo(STORED_TRACE);
        assertThat(producer.getParentSpanId()).isEqualTo(STORED_SPAN);
        assertThat(headers).containsEntry(EventHeaders.TRACEPARENT, "00-" + STORED_TRACE + "-" + producer.getSpanId() + "-01");
        assertThat(consumer.getName()).isEqualTo("consume " + RelayTestApp.CONSUMER);
        assertThat(consumer.getTraceId()).isEqualTo(STORED_TRACE);
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(effect).containsEntry("TRACEPARENT", "00-" + STORED_TRACE + "-" + consumer.getSpanId() + "-01");
    }

    @Test
    void aRoutedCommand_isPublishedInAProducerSpanNamedAfterItsTopic() {
        // given
        UUID id = UUID.randomUUID();

        // when
        RelayTestApp.append(store, "routed-trace-0", id, RelayTestApp.ROUTED_TYPE);

        // then
        SpanData producer = awaitSpan(id, SpanKind.PRODUCER);
        assertThat(producer.getName()).isEqualTo("publish " + RelayTestApp.COMMAND_TOPIC);
        assertThat(producer.getTraceId()).isEqualTo(STORED_TRACE);
        assertThat(producer.getParentSpanId()).isEqualTo(STORED_SPAN);
        assertThat(producer.getAttributes().get(AttributeKey.stringKey("event.type"))).isEqualTo(RelayTestApp.COMMAND_TYPE);
    }

    @Test
    void anEventStoredWithoutTraceContext_isPublishedInNoSpan() {
        // given an event without a traceparent, then a traced one on the same stream
        UUID untraced = UUID.randomUUID();
        RelayTestApp.appendUntraced(store, "untraced-0", untraced);
        UUID traced = RelayTestApp.append(store, "untraced-0");

        // when both have been applied
        await().atMost(PATIENCE).until(() -> RelayTestApp.effectsOf(jdbc, traced) == 1);
        awaitSpan(traced, SpanKind.CONSUMER);

        // then the untraced one started no trace of its own at the relay: its consumer span is a root
        assertThat(spansOf(untraced, SpanKind.PRODUCER)).isEmpty();
        assertThat(spansOf(untraced, SpanKind.CONSUMER)).singleElement()
                .satisfies(span -> assertThat(span.getParentSpanContext().isValid()).isFalse());
    }

    private static final String STORED_TRACE = RelayTestApp.TRACEPARENT.split("-")[1];
    private static final String STORED_SPAN = RelayTestApp.TRACEPARENT.split("-")[2];

    private static List<SpanData> spansOf(UUID eventId, SpanKind kind) {
        return RelayTestApp.SPANS.getFinishedSpanItems().stream().filter(span -> span.getKind() == kind)
                .filter(span -> eventId.toString().equals(span.getAttributes().get(AttributeKey.stringKey("event.id"))))
                .toList();
    }

    private static SpanData awaitSpan(UUID eventId, SpanKind kind) {
        return await().atMost(PATIENCE).until(() -> spansOf(eventId, kind), spans -> !spans.isEmpty()).getFirst();
    }

    @Test
    void stoppingAndRestartingTheRelayAndTheConsumer_midStream_losesNothing_andAppliesEachEffectOnce() {
        // given
        List<String> streams = streams("restart", 5);
        BindingsLifecycleController bindings = context.getBean(BindingsLifecycleController.class);
        appendRoundRobin(store, streams, 20);

        // when the relay stops while it is publishing, and the consumer while it is consuming
        relay.stop();
        appendRoundRobin(store, streams, 20);
        bindings.changeState(BINDING, BindingsLifecycleController.State.STOPPED);
        relay.start();
        appendRoundRobin(store, streams, 20);
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);
        relay.stop();
        relay.start();
        bindings.changeState(BINDING, BindingsLifecycleController.State.STARTED);
        appendRoundRobin(store, streams, 20);

        // then
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "restart") >= 400);
        Map<String, List<Long>> applied = appliedVersions(jdbc, "restart");
        assertThat(applied).hasSize(5).allSatisfy((stream, versions) -> assertThat(versions).isEqualTo(upTo(80)));
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0 && relay.status().checkpoint()
                == store.headPosition());
    }

    @Test
    void aPoisonMessage_isParkedAfterTheRetries_andAppliedOnceWhenReplayedAfterTheFix() {
        // given an event the consumer cannot handle yet, between two it can
        List<String> streams = List.of("poison-0");
        appendRoundRobin(store, streams, 1);
        UUID poison = UUID.randomUUID();
        RelayTestApp.POISON.add(poison);
        RelayTestApp.append(store, "poison-0", poison);
        appendRoundRobin(store, streams, 1);
        ParkedMessages parked = context.getBean(ParkedMessages.class);
        ParkedEndpoint endpoint = context.getBean(ParkedEndpoint.class);

        // when
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "poison") == 2);
        await().atMost(PATIENCE).until(() -> parkedIds(parked).contains(poison.toString()));

        // then it was tried maxAttempts times and is listed with its error, key and headers
        assertThat(RelayTestApp.ATTEMPTS.get(poison).get()).isEqualTo(3);
        assertThat(parked.topics()).contains(RelayTestApp.DEAD_LETTER_TOPIC);
        ParkedMessage message = endpoint.topic(RelayTestApp.DEAD_LETTER_TOPIC).stream()
                .filter(m -> poison.toString().equals(m.headers().get(EventHeaders.EVENT_ID))).findFirst().orElseThrow();
        assertThat(message.key()).isEqualTo("poison-0");
        assertThat(message.originalTopic()).isEqualTo(RelayTestApp.TOPIC);
        assertThat(message.error()).contains("cannot handle ItemAdded " + poison);
        assertThat(message.headers()).containsEntry(EventHeaders.STREAM_VERSION, "1")
                .hasEntrySatisfying(EventHeaders.TRACEPARENT, traceparent -> assertThat(traceparent)
                        .startsWith("00-" + STORED_TRACE + "-"));
        assertThat(message.payload()).isEqualTo("{\"stream\":\"poison-0\"}");
        assertThat(message.replayedAt()).isNull();
        assertThat(endpoint.all()).containsKey(RelayTestApp.DEAD_LETTER_TOPIC);

        // when the bug is fixed and the message replayed, and replayed again by mistake
        RelayTestApp.POISON.remove(poison);
        double duplicatesBefore = duplicates();
        assertThat(http("GET", "/actuator/parked/" + RelayTestApp.DEAD_LETTER_TOPIC, null))
                .contains(poison.toString(), "cannot handle ItemAdded", "\"status\":\"PENDING\"");
        String replayed = http("POST", "/actuator/parked", "{\"id\":\"" + message.id() + "\"}");

        // then the second replay is refused: a message is replayed once
        assertThat(replayed).contains(message.id(), "\"replayedAt\":\"", "\"status\":\"REPLAYED\"");
        assertThatThrownBy(() -> endpoint.replay(message.id(), null, SecurityContext.NONE))
                .isInstanceOf(ActionNotPossible.class).hasMessageContaining("was already replayed at");

        // and the effect happens exactly once, also when the broker delivers the replayed record a second time
        await().atMost(PATIENCE).until(() -> RelayTestApp.effectsOf(jdbc, poison) == 1);
        ConsumerRecord<byte[], byte[]> original = readFromTopic(poison);
        try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
            probe.send(new ProducerRecord<>(RelayTestApp.TOPIC, null, new String(original.key(), StandardCharsets.UTF_8),
                    original.value(), original.headers()));
        }
        await().atMost(PATIENCE).until(() -> duplicates() > duplicatesBefore);
        assertThat(RelayTestApp.effectsOf(jdbc, poison)).isEqualTo(1);
        assertThat(RelayTestApp.ATTEMPTS.get(poison).get()).isEqualTo(4);
        assertThat(context.getBean(ExactlyOnce.class).processed(RelayTestApp.CONSUMER, poison)).isTrue();
        assertThat(parked.list(RelayTestApp.DEAD_LETTER_TOPIC, 100)).filteredOn(m -> m.id().equals(message.id()))
                .singleElement().satisfies(m -> assertThat(m.replayedAt()).isNotNull());
    }

    @Test
    void aMalformedMessage_isParkedAtOnce_notRetried_byDefault() {
        // given a message the consumer finds malformed, between two it can handle
        appendRoundRobin(store, List.of("malformed-0"), 1);
        UUID malformed = UUID.randomUUID();
        RelayTestApp.MALFORMED.add(malformed);
        RelayTestApp.append(store, "malformed-0", malformed);
        appendRoundRobin(store, List.of("malformed-0"), 1);
        ParkedMessages parked = context.getBean(ParkedMessages.class);

        // when
        await().atMost(PATIENCE).until(() -> parkedIds(parked).contains(malformed.toString()));
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "malformed") == 2);

        // then it was tried once (the binding declares no retryable-exceptions of its own for it)
        assertThat(RelayTestApp.ATTEMPTS.get(malformed).get()).isEqualTo(1);
        assertThat(RelayTestApp.effectsOf(jdbc, malformed)).isZero();
        // and the consumer's offset in its database is past it, so a restart does not park it again
        ConsumerRecord<byte[], byte[]> record = readFromTopic(malformed);
        await().atMost(PATIENCE).until(() -> storedOffset(record.partition()) > record.offset());
    }

    @Test
    void aConsumerResumesFromItsDatabasesOffsets_soEffectsTheDatabaseLost_areAppliedAgain_onceEach() {
        // given a consumer that applied ten events of a stream, and Kafka's committed offset past them all
        BindingsLifecycleController bindings = context.getBean(BindingsLifecycleController.class);
        List<UUID> ids = appendRoundRobin(store, List.of("lost-0"), 10);
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "lost") == 10);
        bindings.changeState(BINDING, BindingsLifecycleController.State.STOPPED);
        context.getBean(ConsumerOffsets.class).flush();
        ConsumerRecord<byte[], byte[]> firstLost = readFromTopic(ids.get(6));
        long lastOffset = readFromTopic(ids.get(9)).offset();
        assertThat(storedOffset(firstLost.partition())).isGreaterThan(lastOffset);
        assertThat(kafkaCommitted(firstLost.partition())).isGreaterThan(lastOffset);

        // when the database loses its last commits, as H2's write delay does on kill -9: the last four
        // effects, their processed-message records and the offset that covered them
        for (UUID lost : ids.subList(6, 10)) {
            jdbc.update("DELETE FROM effects WHERE event_id = ?", lost.toString());
            jdbc.update("DELETE FROM processed_messages WHERE consumer = ? AND event_id = ?", RelayTestApp.CONSUMER,
                    lost.toString());
        }
        jdbc.update("UPDATE consumer_offsets SET next_offset = ? WHERE group_id = ? AND topic = ? AND partition_no = ?",
                firstLost.offset(), RelayTestApp.GROUP, RelayTestApp.TOPIC, firstLost.partition());
        bindings.changeState(BINDING, BindingsLifecycleController.State.STARTED);

        // then the consumer reads them again from its database's offset, not Kafka's, and applies each once
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "lost") == 10);
        appendRoundRobin(store, List.of("lost-0"), 1);
        await().atMost(PATIENCE).until(() -> effectCount(jdbc, "lost") == 11);
        assertThat(appliedVersions(jdbc, "lost").get("lost-0")).isEqualTo(upTo(11));
    }

    /** The group's committed offset in Kafka for a partition of the topic (-1: none). */
    private static long kafkaCommitted(int partition) {
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", RelayTestApp.GROUP);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(RelayTestApp.TOPIC, partition);
            var committed = consumer.committed(java.util.Set.of(tp), Duration.ofSeconds(10)).get(tp);
            return committed == null ? -1 : committed.offset();
        }
    }

    private static long storedOffset(int partition) {
        List<Long> rows = jdbc.queryForList("SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND topic = ? "
                + "AND partition_no = ?", Long.class, RelayTestApp.GROUP, RelayTestApp.TOPIC, partition);
        return rows.isEmpty() ? -1 : rows.getFirst();
    }

    @Test
    void aServiceClassifiesOtherExceptions_besideTheDefaults_andTheRestAreStillRetried() {
        // the binding's map is the defaults plus the service's own entry
        assertThat(context.getBean(org.springframework.cloud.stream.config.BindingServiceProperties.class)
                .getConsumerProperties(BINDING).getRetryableExceptions())
                .containsEntry(eventshop.eventsourcing.consuming.MalformedMessage.class, false)
                .containsEntry(eventshop.eventsourcing.decider.DomainError.class, false)
                .containsEntry(RelayTestApp.DECLARED_NOT_RETRYABLE, false)
                .doesNotContainKey(IllegalStateException.class);

        // given a message whose effect fails with the exception the service declares not retryable
        UUID refused = UUID.randomUUID();
        RelayTestApp.REFUSED.add(refused);
        RelayTestApp.append(store, "refused-0", refused);
        ParkedMessages parked = context.getBean(ParkedMessages.class);

        // when
        await().atMost(PATIENCE).until(() -> parkedIds(parked).contains(refused.toString()));

        // then it was parked after one attempt (an exception named nowhere is retried: the poison test)
        assertThat(RelayTestApp.ATTEMPTS.get(refused).get()).isEqualTo(1);
    }

    @Test
    void theRelayEndpoint_showsPositionHeadLagAndState() {
        RelayTestApp.append(store, "endpoint-0");
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);

        String status = http("GET", "/actuator/relay", null);

        assertThat(status).contains("\"relay\":\"orders\"", "\"topic\":\"orders.events\"", "\"state\":\"RUNNING\"",
                "\"head\":", "\"position\":", "\"checkpoint\":", "\"lag\":", "\"lastError\":");
    }

    @Test
    void theConsumersEndpoint_showsEachGroupsLag_andWhatItProcessed() {
        RelayTestApp.append(store, "lag-0");
        long position = store.read("lag-0", 0).blockLast().position();
        int partition = EventHeaders.partition("lag-0", 3);
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);
        eventshop.eventsourcing.consuming.ConsumerLags lags =
                context.getBean(eventshop.eventsourcing.consuming.ConsumerLags.class);

        await().atMost(PATIENCE).until(() -> lags.lags().getFirst().lag() == 0);

        assertThat(lags.lags()).singleElement().satisfies(lag -> {
            assertThat(lag.binding()).isEqualTo(BINDING);
            assertThat(lag.group()).isEqualTo(RelayTestApp.GROUP);
            assertThat(lag.topic()).isEqualTo(RelayTestApp.TOPIC);
            assertThat(lag.partitions()).hasSize(3).allSatisfy(p -> {
                assertThat(p.lag()).isZero();
                assertThat(p.committed()).isIn(p.end(), -1L);
                assertThat(p.assigned()).isTrue();
            });
            assertThat(lag.partitions()).filteredOn(p -> p.partition() == partition).singleElement()
                    .satisfies(p -> assertThat(p.processed()).isGreaterThanOrEqualTo(position));
        });
        assertThat(http("GET", "/actuator/consumers", null)).contains("\"group\":\"" + RelayTestApp.GROUP + "\"",
                "\"lag\":0", "\"processed\":", "\"assigned\":true");
        // and what it processed goes to its database with its offsets, for the service's other instances
        context.getBean(ConsumerOffsets.class).flush();
        assertThat(jdbc.queryForObject("SELECT source_position FROM consumer_offsets WHERE group_id = ? AND topic = ? "
                + "AND partition_no = ?", Long.class, RelayTestApp.GROUP, RelayTestApp.TOPIC, partition))
                .isGreaterThanOrEqualTo(position);
    }

    @Test
    void relayAndConsumerMetrics_areRegistered() {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        RelayTestApp.append(store, "metrics-0");
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);

        assertThat(meters.get("relay.lag").gauge().value()).isZero();
        assertThat(meters.get("relay.position").gauge().value()).isEqualTo((double) store.headPosition());
        assertThat(meters.get("relay.events.published").counter().count()).isPositive();
        await().atMost(PATIENCE).until(() -> meters.find("consumer.events").tag("outcome", "applied").counter() != null);
        assertThat(meters.find("kafka.consumer.fetch.manager.records.lag.max").meters()).isNotEmpty();
        assertThat(meters.find("spring.cloud.stream.binder.kafka.offset").tag("group", RelayTestApp.GROUP).gauges())
                .isNotEmpty();
    }

    private static String http(String method, String path, String json) {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json")
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
        }
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> response = client.send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRoutedEvent_goesToItsCommandTopic_asTheCommand_andNotToTheEventsTopic() {
        // given an event the app's routes turn into a command
        UUID id = UUID.randomUUID();
        store.append("routed-0", eventshop.eventstore.ExpectedVersion.any(), List.of(new eventshop.eventstore.EventData(
                id, RelayTestApp.ROUTED_TYPE, "{\"sku\":\"A\"}".getBytes(StandardCharsets.UTF_8),
                eventshop.eventstore.Metadata.EMPTY)));
        UUID after = RelayTestApp.append(store, "routed-0");

        // then it arrives on the command topic with the command's type and the stored event's id
        ConsumerRecord<byte[], byte[]> command = readFromTopic(RelayTestApp.COMMAND_TOPIC, id);
        assertThat(new String(command.value(), StandardCharsets.UTF_8)).isEqualTo("{\"sku\":\"A\"}");
        assertThat(new String(command.headers().lastHeader(EventHeaders.EVENT_TYPE).value(), StandardCharsets.UTF_8))
                .isEqualTo(RelayTestApp.COMMAND_TYPE);
        assertThat(new String(command.key(), StandardCharsets.UTF_8)).isEqualTo("routed-0");
        // and the events topic got the next event but never the routed one
        readFromTopic(RelayTestApp.TOPIC, after);
        assertThat(effectCount(jdbc, "routed")).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> relay.status().lag() == 0);
    }

    private static double duplicates() {
        io.micrometer.core.instrument.Counter counter = context.getBean(MeterRegistry.class).find("consumer.events")
                .tag("consumer", RelayTestApp.CONSUMER).tag("outcome", "duplicate").counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<String> parkedIds(ParkedMessages parked) {
        List<String> ids = new ArrayList<>();
        for (ParkedMessage message : parked.list(RelayTestApp.DEAD_LETTER_TOPIC, 100)) {
            ids.add(message.headers().get(EventHeaders.EVENT_ID));
        }
        return ids;
    }

    private static ConsumerRecord<byte[], byte[]> readFromTopic(UUID eventId) {
        return readFromTopic(RelayTestApp.TOPIC, eventId);
    }

    private static ConsumerRecord<byte[], byte[]> readFromTopic(String topic, UUID eventId) {
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header header = record.headers().lastHeader(EventHeaders.EVENT_ID);
                    if (header != null && new String(header.value(), StandardCharsets.UTF_8).equals(eventId.toString())) {
                        found.add(record);
                    }
                }
                return !found.isEmpty();
            });
            return found.getFirst();
        }
    }
}
