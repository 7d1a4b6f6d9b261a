package eventshop.eventsourcing.decider;

import eventshop.eventsourcing.tracing.TraceParent;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes the {@link CommandContext} of a command from what is in scope: the caller's correlation id
 * (or a new one), the acting user, and the current trace as a W3C {@code traceparent} header, so
 * one trace runs from the HTTP command through the log, Kafka and the consumers.
 *
 * <p>Thread-safe. Works without tracing (no {@link Tracer}, or no current span): then the context
 * simply carries no trace header.
 */
public final class CommandContexts {

    /** The HTTP header that carries a correlation id across services. */
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    /** The metadata header that carries W3C trace context. */
    public static final String TRACEPARENT = TraceParent.HEADER;

    private final Tracer tracer;
    private final Supplier<UUID> ids;

    public CommandContexts(Tracer tracer, Supplier<UUID> ids) {
        this.tracer = tracer;
        this.ids = ids;
    }

    /**
     * A context for a command issued by {@code actingUser} ("" if anonymous), continuing the
     * conversation {@code correlationId} if given (null or blank starts a new one).
     */
    public CommandContext create(String actingUser, String correlationId) {
        UUID commandId = ids.get();
        String correlation = correlationId == null || correlationId.isBlank() || correlationId.length() > 200
                ? commandId.toString() : correlationId;
        return new CommandContext(commandId, correlation, actingUser == null ? "" : actingUser, traceHeaders());
    }

    /**
     * Runs {@code work} in a span named {@code name} that continues the trace stored in {@code storedHeaders} (an
     * event's metadata headers): what a timer or a deadline acting on that event's behalf does. Inside,
     * {@link #create} and {@link #traceHeaders()} name that span, so the events it causes stay in the trace. Without
     * a tracer it just runs {@code work}.
     */
    public <T> T inSpan(String name, Map<String, String> storedHeaders, Supplier<T> work) {
        if (tracer == null) {
            return work.get();
        }
        Span span = TraceParent.start(tracer, name, null, storedHeaders);
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** The current trace as metadata headers (empty when nothing is traced). */
    public Map<String, String> traceHeaders() {
        if (tracer == null) {
            return Map.of();
        }
        Span span = tracer.currentSpan();
        if (span == null) {
            return Map.of();
        }
        Map<String, String> headers = new HashMap<>();
        headers.put(TRACEPARENT, TraceParent.of(span.context()).value());
        return headers;
    }
}
