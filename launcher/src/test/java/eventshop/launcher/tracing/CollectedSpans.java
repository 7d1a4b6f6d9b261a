package eventshop.launcher.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;

/**
 * The spans of the traces a test watches, from every context of a store in this JVM: each context (each with
 * its own OpenTelemetry SDK) exports to the one static collection here, through a {@link SpanExporter} bean
 * that this test-only auto-configuration adds when {@value #PROPERTY} is true. Only spans of watched trace ids
 * are kept, so a store under load in the same JVM does not fill the memory.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(CollectedSpans.PROPERTY)
public class CollectedSpans {

    /** Set to true for a store whose spans a test collects. */
    public static final String PROPERTY = "eventshop.test.collect-spans";

    private static final Map<String, Queue<SpanData>> WATCHED = new ConcurrentHashMap<>();

    /** Keeps the spans of trace {@code traceId} (32 hex digits) from now on. */
    public static void watch(String traceId) {
        WATCHED.putIfAbsent(traceId, new ConcurrentLinkedQueue<>());
    }

    /** The spans of watched trace {@code traceId} exported so far, in the order they were exported. */
    public static List<SpanData> of(String traceId) {
        Queue<SpanData> spans = WATCHED.get(traceId);
        return spans == null ? List.of() : List.copyOf(spans);
    }

    @Bean
    SpanExporter collectedSpansExporter() {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                for (SpanData span : spans) {
                    Queue<SpanData> trace = WATCHED.get(span.getTraceId());
                    if (trace != null) {
                        trace.add(span);
                    }
                }
                return CompletableResultCode.ofSuccess();
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
}
