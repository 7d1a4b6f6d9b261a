package eventshop.eventsourcing.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A W3C trace context parent ({@code traceparent: 00-<trace id>-<span id>-<flags>}): the one form in which
 * a trace travels through the log and Kafka. A command stores the span it runs in under {@link #HEADER} in
 * its events' metadata; the log relay publishes each event in a {@code PRODUCER} span that is a child of that
 * stored parent and writes its own span as the record's {@code traceparent}; a consumer or a topic projection
 * continues it in a {@code CONSUMER} span. One place reads and writes the header, so every hop agrees on it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param traceId 32 lower-case hex digits
 * @param spanId  16 lower-case hex digits
 * @param sampled whether the trace is recorded (flags {@code 01})
 */
public record TraceParent(String traceId, String spanId, boolean sampled) {

    /** The metadata and Kafka header that carries the trace context. */
    public static final String HEADER = "traceparent";

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final String INVALID_TRACE = "0".repeat(32);
    private static final String INVALID_SPAN = "0".repeat(16);

    public TraceParent {
        if (!valid(traceId, spanId)) {
            throw new IllegalArgumentException("not a W3C trace id and span id: " + traceId + ", " + spanId);
        }
    }

    /** The parent a header value names, or empty if it is missing or not a valid W3C {@code traceparent}. */
    public static Optional<TraceParent> parse(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.trim().split("-");
        if (parts.length < 4 || parts[0].length() != 2 || parts[0].equals("ff") || parts[3].length() != 2
                || !valid(parts[1], parts[2])) {
            return Optional.empty();
        }
        int flags;
        try {
            flags = Integer.parseInt(parts[3], 16);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(parts[1], parts[2], (flags & 1) == 1));
    }

    /** The parent in {@code headers} (metadata or record headers), or empty. */
    public static Optional<TraceParent> in(Map<String, String> headers) {
        return parse(headers.get(HEADER));
    }

    /** The parent that names {@code context}'s span (a 64-bit trace id is padded to 128). */
    public static TraceParent of(TraceContext context) {
        String traceId = context.traceId();
        if (traceId.length() < 32) {
            traceId = "0".repeat(32 - traceId.length()) + traceId;
        }
        return new TraceParent(traceId, context.spanId(), !Boolean.FALSE.equals(context.sampled()));
    }

    /** The header value: {@code 00-<trace id>-<span id>-<01|00>}. */
    public String value() {
        return "00-" + traceId + "-" + spanId + "-" + (sampled ? "01" : "00");
    }

    /** This parent as a trace context of {@code tracer}, to start a child span of it. */
    public TraceContext context(Tracer tracer) {
        return tracer.traceContextBuilder().traceId(traceId).spanId(spanId).sampled(sampled).build();
    }

    /**
     * Starts a span of {@code kind} (null: an internal one) named {@code name}: a child of the parent in
     * {@code headers}, or the root of a new trace if they name none. The caller ends it.
     */
    public static Span start(Tracer tracer, String name, Span.@Nullable Kind kind, Map<String, String> headers) {
        Span.Builder builder = tracer.spanBuilder().name(name);
        if (kind != null) {
            builder.kind(kind);
        }
        in(headers).ifPresent(parent -> builder.setParent(parent.context(tracer)));
        return builder.start();
    }

    private static boolean valid(String traceId, String spanId) {
        return traceId != null && spanId != null && TRACE_ID.matcher(traceId).matches()
                && SPAN_ID.matcher(spanId).matches() && !traceId.equals(INVALID_TRACE) && !spanId.equals(INVALID_SPAN);
    }

    @Override
    public String toString() {
        return value();
    }
}
