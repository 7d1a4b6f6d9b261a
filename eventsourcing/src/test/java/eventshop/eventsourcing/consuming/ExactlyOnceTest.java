package eventshop.eventsourcing.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.eventsourcing.database.EventSourcingTables;
import eventshop.eventsourcing.relay.EventHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** {@link ExactlyOnce} on H2, without Kafka: what a redelivery and a failing effect leave behind. */
class ExactlyOnceTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final JdbcDataSource dataSource = dataSource();
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final SimpleTracer tracer = new SimpleTracer();
    private final ExactlyOnce exactlyOnce = new ExactlyOnce(dataSource, new DataSourceTransactionManager(dataSource),
            Clock.systemUTC(), new SimpleMeterRegistry(), tracer);

    {
        jdbc.execute("CREATE TABLE effects (event_id VARCHAR(64))");
    }

    @Test
    void aRedeliveredEvent_isSkipped() {
        Message<byte[]> message = message(UUID.randomUUID());

        boolean first = exactlyOnce.process("c", message, this::record);
        boolean second = exactlyOnce.process("c", message, this::record);

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(effects()).isEqualTo(1);
    }

    @Test
    void eachConsumer_appliesTheEventOnce() {
        Message<byte[]> message = message(UUID.randomUUID());

        exactlyOnce.process("a", message, this::record);
        exactlyOnce.process("b", message, this::record);

        assertThat(effects()).isEqualTo(2);
    }

    @Test
    void aFailingEffect_leavesNothing_andTheNextDeliveryAppliesIt() {
        UUID id = UUID.randomUUID();
        Message<byte[]> message = message(id);

        assertThatThrownBy(() -> exactlyOnce.process("c", message, event -> {
            record(event);
            throw new java.io.IOException("disk full");
        })).isInstanceOf(ExactlyOnce.EffectFailed.class).hasMessageContaining("disk full");
        assertThat(effects()).isZero();
        assertThat(exactlyOnce.processed("c", id)).isFalse();

        assertThat(exactlyOnce.process("c", message, this::record)).isTrue();
        assertThat(effects()).isEqualTo(1);
        assertThat(exactlyOnce.processed("c", id)).isTrue();
    }

    @Test
    void aMessageWithoutEventId_isRefused() {
        Message<byte[]> message = MessageBuilder.withPayload(new byte[0]).build();

        assertThatThrownBy(() -> exactlyOnce.process("c", message, this::record))
                .isInstanceOf(MalformedMessage.class);
    }

    @Nested
    class Tracing {

        @Test
        void theEffectRunsInAConsumerSpan_continuingTheEventsTrace() {
            List<String> seen = new ArrayList<>();
            UUID id = UUID.randomUUID();

            exactlyOnce.process("c", message(id), event -> {
                seen.add(event.causedContext().headers().get(EventHeaders.TRACEPARENT));
                seen.add(MDC.get("traceId"));
                seen.add(MDC.get("correlationId"));
                seen.add(event.causedContext().commandId().toString());
            });

            SimpleSpan span = tracer.onlySpan();
            assertThat(span.getKind()).isEqualTo(Span.Kind.CONSUMER);
            assertThat(span.getName()).isEqualTo("consume c");
            assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(span.getParentId()).isEqualTo("00f067aa0ba902b7");
            assertThat(seen.get(0)).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.getSpanId() + "-01");
            assertThat(seen.get(1)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(seen.get(2)).isEqualTo("conversation-1");
            assertThat(seen.get(3)).isEqualTo(id.toString());
            assertThat(MDC.get("traceId")).isNull();
        }
    }

    private void record(IncomingEvent event) {
        jdbc.update("INSERT INTO effects (event_id) VALUES (?)", event.eventId().toString());
    }

    private int effects() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM effects", Integer.class);
    }

    private static Message<byte[]> message(UUID id) {
        return MessageBuilder.withPayload("{}".getBytes(StandardCharsets.UTF_8))
                .copyHeaders(Map.of(EventHeaders.EVENT_ID, id.toString(), EventHeaders.EVENT_TYPE, "ItemAdded",
                        EventHeaders.STREAM_ID, "cart-1", EventHeaders.STREAM_VERSION, "3",
                        EventHeaders.CORRELATION_ID, "conversation-1", EventHeaders.TRACEPARENT, TRACEPARENT))
                .build();
    }

    private static JdbcDataSource dataSource() {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:mem:exactly-once-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        EventSourcingTables.migrate(source);
        return source;
    }
}
