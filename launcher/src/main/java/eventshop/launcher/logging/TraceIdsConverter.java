package eventshop.launcher.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * Logback converter for {@code %traceIds}: {@code [<trace id>,<span id>] } of the span the line was logged in
 * (the MDC's {@code traceId} and {@code spanId}, which Micrometer Tracing sets while a span is in scope: an HTTP
 * request, a consumer's or a projection's span), or nothing outside a span. Grep a trace id to follow one
 * checkout through every service's lines.
 */
public final class TraceIdsConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String traceId = mdc.get("traceId");
        if (traceId == null || traceId.isEmpty()) {
            return "";
        }
        String spanId = mdc.get("spanId");
        return "[" + traceId + "," + (spanId == null ? "" : spanId) + "] ";
    }
}
