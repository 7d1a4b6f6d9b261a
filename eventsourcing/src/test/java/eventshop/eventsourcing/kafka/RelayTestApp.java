package eventshop.eventsourcing.kafka;

import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.kafka.broker.InProcessKafka;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/**
 * A service for the relay and consumer tests: service {@code orders} with an in-memory event
 * store and H2, relaying to {@code orders.events}, and a consumer {@code effects} of that topic
 * whose effect is a row in {@code effects} (one per application, so duplicates would show).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RelayTestApp {

    public static final String TOPIC = "orders.events";
    public static final String CONSUMER = "effects";
    public static final String GROUP = "effects-test";
    public static final String DEAD_LETTER_TOPIC = "error." + TOPIC + "." + GROUP;
    /** Events of type {@link #ROUTED_TYPE} go to {@link #COMMAND_TOPIC} as {@link #COMMAND_TYPE} (its {@link RelayRoutes}). */
    public static final String COMMAND_TOPIC = "stock.commands";
    public static final String ROUTED_TYPE = "StockRequested";
    public static final String COMMAND_TYPE = "ReserveStock";
    public static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /** Event ids whose effect fails (the "bug"), and how often each effect was attempted. */
    public static final Set<UUID> POISON = ConcurrentHashMap.newKeySet();
    /** Event ids the consumer finds malformed ({@link MalformedMessage}: not retried by default). */
    public static final Set<UUID> MALFORMED = ConcurrentHashMap.newKeySet();
    /** Event ids whose effect fails with the exception this service declares not retryable. */
    public static final Set<UUID> REFUSED = ConcurrentHashMap.newKeySet();
    /** The exception this service's binding declares not retryable, besides the starter's defaults. */
    public static final Class<? extends RuntimeException> DECLARED_NOT_RETRYABLE = UnsupportedOperationException.class;
    public static final Map<UUID, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    /** The spans every app of this kind ended (its tracer's only exporter; exported every 50 ms). */
    public static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    /** A broker and an app on it; {@link #close} closes the app, then the broker. */
    public record Running(InProcessKafka kafka, ConfigurableApplicationContext context) implements AutoCloseable {

        @Override
        public void close() {
            try {
                context.close();
            } finally {
                kafka.close();
            }
        }
    }

    /**
     * Starts a broker with {@link #TOPIC} and {@link #COMMAND_TOPIC} ({@code partitions} each), and {@code app} on
     * it as {@link #start(Class, InProcessKafka, String, String...)} does.
     */
    public static Running startWithBroker(Class<?> app, int partitions, String database, String... extra) {
        InProcessKafka kafka = InProcessKafka.start();
        try {
            kafka.createTopics(partitions, TOPIC, COMMAND_TOPIC);
            return new Running(kafka, start(app, kafka, database, extra));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /**
     * Starts the service against {@code kafka}, with extra properties: as command-line arguments, so they win over
     * the defaults here and the build's system properties ({@code eventshop.security.enabled=false}).
     */
    public static ConfigurableApplicationContext start(InProcessKafka kafka, String database, String... extra) {
        return start(RelayTestApp.class, kafka, database, extra);
    }

    /** Starts {@code app} (this service with more beans, say) against {@code kafka}, with extra properties (as above). */
    public static ConfigurableApplicationContext start(Class<?> app, InProcessKafka kafka, String database,
                                                       String... extra) {
        return builder(app, database, "spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers())
                .run(java.util.Arrays.stream(extra).map(setting -> "--" + setting).toArray(String[]::new));
    }

    /**
     * This service as a builder, for the test kit ({@code OverKafka.run}, which gives it the broker): its settings
     * are the builder's defaults, over which the kit's and the test's arguments win.
     */
    public static SpringApplicationBuilder builder(String database) {
        return builder(RelayTestApp.class, database);
    }

    private static SpringApplicationBuilder builder(Class<?> app, String database, String... more) {
        List<String> properties = new ArrayList<>(List.of(more));
        properties.addAll(List.of(
                "eventshop.service-name=orders",
                "eventshop.eventstore.engine=memory",
                "eventshop.relay.stall-timeout=1s",
                "eventshop.relay.command-topics=" + COMMAND_TOPIC,
                "spring.cloud.function.definition=" + CONSUMER,
                "spring.cloud.stream.bindings." + CONSUMER + "-in-0.destination=" + TOPIC,
                "spring.cloud.stream.bindings." + CONSUMER + "-in-0.group=" + GROUP,
                "spring.cloud.stream.bindings." + CONSUMER + "-in-0.consumer.max-attempts=3",
                "spring.cloud.stream.bindings." + CONSUMER + "-in-0.consumer.back-off-initial-interval=50",
                "spring.cloud.stream.bindings." + CONSUMER + "-in-0.consumer.back-off-max-interval=200",
                "spring.cloud.stream.bindings." + CONSUMER + "-in-0.consumer.retryable-exceptions."
                        + DECLARED_NOT_RETRYABLE.getName() + "=false",
                "spring.cloud.stream.kafka.binder.consumer-properties.metadata.max.age.ms=1000",
                "spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1",
                "spring.jmx.enabled=false",
                "spring.main.web-application-type=none",
                "management.opentelemetry.tracing.export.schedule-delay=50ms",
                "server.port=0",
                "management.endpoints.web.exposure.include=relay,parked,consumers,health",
                "logging.level.org.apache.kafka=WARN",
                "logging.level.kafka=WARN",
                "logging.level.state.change.logger=WARN",
                "logging.level.org.springframework.kafka=WARN",
                "logging.level.org.springframework.cloud.stream=WARN",
                "logging.level.org.springframework.integration=WARN"));
        return new SpringApplicationBuilder(app).properties(properties.toArray(String[]::new));
    }

    @Bean
    public Consumer<Message<byte[]>> effects(ExactlyOnce exactlyOnce, JdbcTemplate jdbc) {
        jdbc.execute("CREATE TABLE IF NOT EXISTS effects (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                + "event_id VARCHAR(64) NOT NULL, stream_id VARCHAR(200) NOT NULL, version BIGINT NOT NULL, "
                + "traceparent VARCHAR(100), correlation_id VARCHAR(100), command_id VARCHAR(64))");
        return exactlyOnce.consumer(CONSUMER, event -> {
            ATTEMPTS.computeIfAbsent(event.eventId(), id -> new AtomicInteger()).incrementAndGet();
            if (POISON.contains(event.eventId())) {
                throw new IllegalStateException("cannot handle " + event.type() + " " + event.eventId());
            }
            if (MALFORMED.contains(event.eventId())) {
                throw new MalformedMessage("unreadable " + event);
            }
            if (REFUSED.contains(event.eventId())) {
                throw new UnsupportedOperationException("refused " + event);
            }
            jdbc.update("INSERT INTO effects (event_id, stream_id, version, traceparent, correlation_id, command_id) "
                            + "VALUES (?, ?, ?, ?, ?, ?)", event.eventId().toString(), event.streamId(), event.version(),
                    event.traceHeaders().get("traceparent"), event.causedContext().correlationId(),
                    event.causedContext().commandId().toString());
        });
    }

    @Bean
    public SpanExporter spans() {
        return new SpanExporter() { // shared by every app, so closing one app does not close it for the next
            @Override
            public CompletableResultCode export(java.util.Collection<SpanData> spans) {
                return SPANS.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    @Bean
    public RelayRoutes relayRoutes() {
        return event -> event.type().equals(ROUTED_TYPE)
                ? RelayRoutes.Route.send(COMMAND_TOPIC, COMMAND_TYPE, event.data())
                : RelayRoutes.Route.events();
    }

    // ---- helpers for the tests

    /** Appends one event to {@code stream} and returns its id. */
    public static UUID append(EventStore store, String stream) {
        return append(store, stream, UUID.randomUUID());
    }

    /** Appends one event with id {@code id} to {@code stream} and returns the id. */
    public static UUID append(EventStore store, String stream, UUID id) {
        return append(store, stream, id, "ItemAdded");
    }

    /** Appends one event of {@code type} with id {@code id} to {@code stream}, in the trace {@link #TRACEPARENT}. */
    public static UUID append(EventStore store, String stream, UUID id, String type) {
        return append(store, stream, id, type, Map.of("traceparent", TRACEPARENT));
    }

    /** Appends one event with id {@code id} to {@code stream} whose metadata carries no trace context. */
    public static UUID appendUntraced(EventStore store, String stream, UUID id) {
        return append(store, stream, id, "ItemAdded", Map.of());
    }

    private static UUID append(EventStore store, String stream, UUID id, String type, Map<String, String> headers) {
        Metadata metadata = new Metadata("conversation-" + stream, "command-" + id, "alice",
                Instant.parse("2025-01-02T03:04:05Z"), 1, headers);
        byte[] data = ("{\"stream\":\"" + stream + "\"}").getBytes(StandardCharsets.UTF_8);
        store.append(stream, ExpectedVersion.any(), List.of(new EventData(id, type, data, metadata)));
        return id;
    }

    /** Appends {@code perStream} events to each stream, round robin; returns the ids in order. */
    public static List<UUID> appendRoundRobin(EventStore store, List<String> streams, int perStream) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < perStream; i++) {
            for (String stream : streams) {
                ids.add(append(store, stream));
            }
        }
        return ids;
    }

    /** Streams named {@code prefix-0 .. prefix-(count-1)}. */
    public static List<String> streams(String prefix, int count) {
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            streams.add(prefix + "-" + i);
        }
        return streams;
    }

    /** How many effects rows exist for streams starting with {@code prefix}. */
    public static int effectCount(JdbcTemplate jdbc, String prefix) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM effects WHERE stream_id LIKE ?", Integer.class, prefix + "-%");
    }

    /** The versions each stream's effects were applied in, in application order. */
    public static Map<String, List<Long>> appliedVersions(JdbcTemplate jdbc, String prefix) {
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        jdbc.query("SELECT stream_id, version FROM effects WHERE stream_id LIKE ? ORDER BY seq", row -> {
            versions.computeIfAbsent(row.getString(1), stream -> new ArrayList<>()).add(row.getLong(2));
        }, prefix + "-%");
        return versions;
    }

    /** Versions 0..count-1. */
    public static List<Long> upTo(int count) {
        List<Long> versions = new ArrayList<>();
        for (long v = 0; v < count; v++) {
            versions.add(v);
        }
        return versions;
    }

    /** Whether the effect of {@code eventId} was applied, and how often (must be 0 or 1). */
    public static int effectsOf(JdbcTemplate jdbc, UUID eventId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM effects WHERE event_id = ?", Integer.class,
                eventId.toString());
    }
}
