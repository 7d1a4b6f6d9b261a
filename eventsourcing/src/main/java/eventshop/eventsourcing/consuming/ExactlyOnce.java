package eventshop.eventsourcing.consuming;

import eventshop.eventsourcing.tracing.TraceParent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes a consumer's effect happen exactly once per event, although Kafka delivers at least once.
 *
 * <p>The event id is inserted into {@code processed_messages(consumer, event_id)} (primary key on
 * both; {@link eventshop.eventsourcing.database.EventSourcingTables}) in the same JDBC transaction as the effect. A redelivered event finds its row and is
 * skipped; an effect that throws rolls the row back with it, so the binder's retry (and, after
 * the last attempt, the dead-letter topic) sees the failure and a later replay applies it. The
 * effect must therefore do its writes through Spring-managed JDBC on the same {@link DataSource}
 * (JdbcTemplate, JdbcClient), so they join the transaction. An effect that appends to the event
 * store instead is not in that transaction: make such a command idempotent on its own (the
 * decider sees that it already happened), which the event id as command id
 * ({@link IncomingEvent#causedContext()}) makes easy to check.
 *
 * <p>Tracing: with a Micrometer {@link Tracer}, the effect runs in a {@code CONSUMER} span
 * that continues the trace of the event's {@code traceparent} header, and the event handed to the
 * effect carries that span as its {@code traceparent}, so commands it causes
 * ({@link IncomingEvent#causedContext()}) stay in the trace. Either way the MDC holds
 * {@code traceId}, {@code spanId}, {@code correlationId} and {@code eventId} while the effect
 * runs, so its log lines join the trace. Thread-safe.
 *
 * <pre>{@code
 * @Bean
 * Consumer<Message<byte[]>> reserveStock(ExactlyOnce exactlyOnce, JdbcClient jdbc) {
 *     return exactlyOnce.consumer("inventory-reservations", event -> ...);
 * }
 * }</pre>
 */
public final class ExactlyOnce {

    private static final Logger log = LoggerFactory.getLogger(ExactlyOnce.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Tracer tracer;

    public ExactlyOnce(DataSource dataSource, PlatformTransactionManager transactionManager, Clock clock,
                       MeterRegistry registry) {
        this(dataSource, transactionManager, clock, registry, null);
    }

    /** @param tracer continues the events' traces; null for none */
    public ExactlyOnce(DataSource dataSource, PlatformTransactionManager transactionManager, Clock clock,
                       MeterRegistry registry, Tracer tracer) {
        this.tracer = tracer;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
        this.registry = registry;
    }

    /** What a consumer does with an event; may throw to have the delivery retried. */
    @FunctionalInterface
    public interface Effect {
        void apply(IncomingEvent event) throws Exception;
    }

    /**
     * A message consumer for a Spring Cloud Stream binding that applies {@code effect} once per
     * event id under the name {@code consumer}. A malformed message (no event id) fails, which
     * parks it after the retries.
     */
    public Consumer<Message<byte[]>> consumer(String consumer, Effect effect) {
        return message -> process(consumer, message, effect);
    }

    /** {@link #process(String, IncomingEvent, Effect)} for a message read by the binder. */
    public boolean process(String consumer, Message<?> message, Effect effect) {
        return process(consumer, IncomingEvent.from(message), effect);
    }

    /**
     * Applies {@code effect} unless {@code consumer} already processed this event id.
     *
     * @return true if the effect was applied now, false if it had been applied before
     * @throws RuntimeException whatever the effect threw (checked exceptions wrapped in
     *                          {@link EffectFailed}); nothing of the effect or the record stays
     */
    public boolean process(String consumer, IncomingEvent event, Effect effect) {
        Span span = startSpan(consumer, event);
        try (Tracer.SpanInScope ignoredSpan = span == null ? null : tracer.withSpan(span)) {
            return apply(consumer, span == null ? event : event.withTraceHeaders(traceHeaders(event, span)), effect);
        } catch (RuntimeException e) {
            if (span != null) {
                span.error(e);
            }
            throw e;
        } finally {
            if (span != null) {
                span.end();
            }
        }
    }

    private boolean apply(String consumer, IncomingEvent event, Effect effect) {
        try (MdcScope ignored = MdcScope.of(event)) {
            Boolean applied = transactions.execute(status -> {
                try {
                    jdbc.update("INSERT INTO processed_messages (consumer, event_id, processed_at) VALUES (?, ?, ?)",
                            consumer, event.eventId().toString(), Timestamp.from(clock.instant()));
                } catch (DuplicateKeyException duplicate) {
                    status.setRollbackOnly();
                    return false;
                }
                try {
                    effect.apply(event);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new EffectFailed(consumer, event, e);
                }
                return true;
            });
            boolean done = Boolean.TRUE.equals(applied);
            count(consumer, done ? "applied" : "duplicate");
            if (!done) {
                log.debug("{} skipped {}: already processed", consumer, event);
            }
            return done;
        } catch (RuntimeException e) {
            count(consumer, "failed");
            log.warn("{} failed on {}: {}", consumer, event, e.toString());
            throw e;
        }
    }

    /** Whether {@code consumer} has processed the event with this id. */
    public boolean processed(String consumer, java.util.UUID eventId) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM processed_messages WHERE consumer = ? AND event_id = ?",
                Integer.class, consumer, eventId.toString());
        return count != null && count > 0;
    }

    private Span startSpan(String consumer, IncomingEvent event) {
        if (tracer == null) {
            return null;
        }
        return TraceParent.start(tracer, "consume " + consumer, Span.Kind.CONSUMER, event.traceHeaders())
                .tag("event.type", event.type()).tag("event.id", event.eventId().toString())
                .tag("event.source", event.source());
    }

    private static Map<String, String> traceHeaders(IncomingEvent event, Span span) {
        Map<String, String> headers = new HashMap<>(event.traceHeaders());
        headers.put(TraceParent.HEADER, TraceParent.of(span.context()).value());
        return headers;
    }

    private void count(String consumer, String outcome) {
        registry.counter("consumer.events", "consumer", consumer, "outcome", outcome).increment();
    }

    /** An effect threw a checked exception. */
    public static final class EffectFailed extends RuntimeException {
        EffectFailed(String consumer, IncomingEvent event, Exception cause) {
            super(consumer + " failed on " + event + ": " + cause, cause);
        }
    }

    /** Puts the event's trace and correlation ids into the MDC and takes them out again. */
    private record MdcScope(String[] keys, String[] previous) implements AutoCloseable {

        static MdcScope of(IncomingEvent event) {
            TraceParent parent = TraceParent.in(event.traceHeaders()).orElse(null);
            String[] keys = {"traceId", "spanId", "correlationId", "eventId"};
            String[] values = {parent == null ? null : parent.traceId(), parent == null ? null : parent.spanId(),
                    event.correlationId().isEmpty() ? null : event.correlationId(), event.eventId().toString()};
            String[] previous = new String[keys.length];
            for (int i = 0; i < keys.length; i++) {
                previous[i] = MDC.get(keys[i]);
                if (values[i] != null) {
                    MDC.put(keys[i], values[i]);
                }
            }
            return new MdcScope(keys, previous);
        }

        @Override
        public void close() {
            for (int i = 0; i < keys.length; i++) {
                if (previous[i] == null) {
                    MDC.remove(keys[i]);
                } else {
                    MDC.put(keys[i], previous[i]);
                }
            }
        }
    }
}
