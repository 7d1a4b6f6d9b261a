package eventshop.web.calls;

import io.micrometer.context.ContextRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * How long each service call of one page took, for the page's {@code Server-Timing} header
 * ({@link ServerTiming}, when {@code eventshop.web.server-timing} is on): where a page's time goes is then
 * visible per call to whoever measures the pages (the launcher's {@code StorefrontPageTimes}) or opens the
 * browser's network panel. The page's timings are bound to its request thread and, through the context
 * registry, follow the calls {@link Concurrently} makes on other threads. Thread-safe.
 */
public final class CallTimings {

    /** One call: its method and path (no query) and how long it took until its answer's headers, in ms. */
    public record Call(String method, String path, double millis) {
    }

    private static final ThreadLocal<CallTimings> CURRENT = new ThreadLocal<>();

    static {
        ContextRegistry.getInstance().registerThreadLocalAccessor(CallTimings.class.getName(), CURRENT);
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Binds fresh timings to this thread (the page's request thread) and returns them. */
    public static CallTimings bind() {
        CallTimings timings = new CallTimings();
        CURRENT.set(timings);
        return timings;
    }

    /** Unbinds this thread's timings. */
    public static void unbind() {
        CURRENT.remove();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /**
     * The calls as {@code Server-Timing} metrics: {@code call<n>;dur=<ms>;desc="<METHOD> <path>"}, in the order
     * they were answered, then {@code extra} (already formatted) if not empty.
     */
    public String header(String extra) {
        List<Call> answered = calls();
        String metrics = java.util.stream.IntStream.range(0, answered.size())
                .mapToObj(i -> String.format(Locale.ROOT, "call%d;dur=%.1f;desc=\"%s %s\"", i + 1, answered.get(i).millis(),
                        answered.get(i).method(), answered.get(i).path().replaceAll("[\"\\\\]", "")))
                .collect(Collectors.joining(", "));
        return extra.isEmpty() ? metrics : metrics.isEmpty() ? extra : metrics + ", " + extra;
    }

    /** Times every call of a {@code RestClient} into the timings bound to the calling thread, if any. */
    public static final class Interceptor implements ClientHttpRequestInterceptor {

        @Override
        public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
                throws IOException {
            CallTimings timings = CURRENT.get();
            if (timings == null) {
                return execution.execute(request, body);
            }
            long start = System.nanoTime();
            try {
                return execution.execute(request, body);
            } finally {
                timings.calls.add(new Call(request.getMethod().name(), request.getURI().getRawPath(),
                        (System.nanoTime() - start) / 1e6));
            }
        }
    }
}
