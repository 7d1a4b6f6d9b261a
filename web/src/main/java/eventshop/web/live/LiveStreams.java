package eventshop.web.live;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open server-sent event streams of the browsers, by what they watch ({@code order:<id>},
 * {@code sku:<sku>}, {@code account:<id>}). The Kafka consumers {@link #publish} each event once to the streams
 * watching its key: a push per change, no polling loop per browser. Each stream renders its own fragment
 * (it knows its page's state and CSRF token). One scheduler sends a comment line to every stream now and then
 * ({@code eventshop.web.heartbeat}), so that idle streams stay open through edge and notice closed browsers.
 * When the application stops, every stream is ended first (the browsers reconnect to whichever server is up):
 * an open stream is a request in progress, and the web server's graceful shutdown would otherwise wait for
 * each of them until its phase times out (30 s by default). Thread-safe.
 */
@Component
public class LiveStreams implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);

    /** One browser's stream, with what it needs to render what it is sent. */
    public static final class Stream<S> {
        private final SseEmitter emitter;
        private volatile S state;

        Stream(SseEmitter emitter, S state) {
            this.emitter = emitter;
            this.state = state;
        }

        public S state() {
            return state;
        }
    }

    /** What one change does to a stream: its new state, and the event to send (null: nothing to send). */
    public record Push<S>(S state, @Nullable String name, @Nullable String html) {
    }

    private final Map<String, Set<Stream<?>>> streams = new ConcurrentHashMap<>();
    private volatile boolean running;
    private final Duration timeout;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("web-sse-heartbeat").daemon().factory());

    public LiveStreams(@Value("${eventshop.web.heartbeat:10s}") Duration heartbeat,
                       @Value("${eventshop.web.stream-timeout:30m}") Duration timeout) {
        this.timeout = timeout;
        heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Opens a stream watching {@code key} with the page's state, and sends it {@code first} at once (the state
     * as the page knows it now: whatever changed between the page's render and this call is in it).
     */
    public <S> SseEmitter open(String key, S state, Function<S, Push<S>> first) {
        SseEmitter emitter = new SseEmitter(timeout.toMillis());
        Stream<S> stream = new Stream<>(emitter, state);
        Set<Stream<?>> watching = streams.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        watching.add(stream);
        if (!running) { // stopping (checked after adding, so stop() cannot miss it): the browser retries later
            forget(key, stream);
            emitter.complete();
            return emitter;
        }
        Runnable remove = () -> forget(key, stream);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(error -> remove.run());
        apply(key, stream, first);
        return emitter;
    }

    /** Applies {@code change} to every stream watching {@code key}, and sends what it renders. */
    @SuppressWarnings("unchecked")
    public <S> void publish(String key, Function<S, Push<S>> change) {
        Set<Stream<?>> watching = streams.get(key);
        if (watching == null) {
            return;
        }
        for (Stream<?> stream : watching) {
            apply(key, (Stream<S>) stream, change);
        }
    }

    /** How many streams watch {@code key} (for tests and the metrics). */
    public int watching(String key) {
        Set<Stream<?>> watching = streams.get(key);
        return watching == null ? 0 : watching.size();
    }

    private <S> void apply(String key, Stream<S> stream, Function<S, Push<S>> change) {
        synchronized (stream) {
            Push<S> push;
            try {
                push = change.apply(stream.state);
            } catch (RuntimeException e) {
                LOG.warn("a live update for {} could not be rendered: {}", key, e.toString());
                return;
            }
            stream.state = push.state();
            if (push.html() != null) {
                try {
                    stream.emitter.send(SseEmitter.event().name(push.name()).data(push.html()));
                } catch (IOException | IllegalStateException gone) {
                    forget(key, stream);
                }
            }
        }
    }

    private void heartbeat() {
        streams.forEach((key, watching) -> {
            for (Stream<?> stream : watching) {
                synchronized (stream) {
                    try {
                        stream.emitter.send(SseEmitter.event().comment("still here"));
                    } catch (IOException | IllegalStateException gone) {
                        forget(key, stream);
                    }
                }
            }
        });
    }

    private void forget(String key, Stream<?> stream) {
        streams.computeIfPresent(key, (k, watching) -> {
            watching.remove(stream);
            return watching.isEmpty() ? null : watching;
        });
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every open stream, before the web server waits for requests in progress (a later phase). */
    @Override
    public void stop() {
        running = false;
        heartbeats.shutdownNow();
        streams.values().forEach(watching -> watching.forEach(stream -> {
            synchronized (stream) {
                stream.emitter.complete();
            }
        }));
        streams.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
