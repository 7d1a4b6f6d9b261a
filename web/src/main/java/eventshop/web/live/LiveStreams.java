package eventshop.web.live;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * ({@code eventshop.web.heartbeat}), so that idle streams stay open through edge and notice closed browsers, ends
 * the streams opened for a limited time, and runs the periodic tasks of pages whose updates are polled
 * ({@link #every}: the operations console's).
 * When the application stops, the scheduler stops and every stream is ended first (the browsers reconnect to whichever server is up):
 * an open stream is a request in progress, and the web server's graceful shutdown would otherwise wait for
 * each of them until its phase times out (30 s by default). Thread-safe.
 */
@Component
public class LiveStreams implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);
    /** How long after its end a stream's request may still take to finish, before the server times it out. */
    private static final Duration ENDING = Duration.ofSeconds(5);

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

    /** A task {@link #every} runs while the application runs. */
    private record Periodic(Duration period, Runnable task) {
    }

    private final Map<String, Set<Stream<?>>> streams = new ConcurrentHashMap<>();
    private final List<Periodic> periodic = new CopyOnWriteArrayList<>();
    private final Duration timeout;
    private volatile boolean running;
    /** The one scheduler thread, while running (a stopped application may be started again, as a test's may). */
    private volatile @Nullable ScheduledExecutorService scheduler;

    public LiveStreams(@Value("${eventshop.web.heartbeat:10s}") Duration heartbeat,
                       @Value("${eventshop.web.stream-timeout:30m}") Duration timeout) {
        this.timeout = timeout;
        periodic.add(new Periodic(heartbeat, this::heartbeat));
    }

    /**
     * Opens a stream watching {@code key} with the page's state, and sends it {@code first} at once (the state
     * as the page knows it now: whatever changed between the page's render and this call is in it).
     */
    public <S> SseEmitter open(String key, S state, Function<S, Push<S>> first) {
        return open(key, state, first, timeout);
    }

    /**
     * {@link #open(String, Object, Function)}, for a stream that ends after {@code lifetime} at the latest (and
     * after {@code eventshop.web.stream-timeout} anyway): the browser's {@code EventSource} then reconnects, through
     * edge, with a fresh services token. For a stream whose updates are read as its viewer (the operations
     * console's), whose token is only valid for a minute.
     */
    public <S> SseEmitter open(String key, S state, Function<S, Push<S>> first, Duration lifetime) {
        boolean endsEarly = lifetime.compareTo(timeout) < 0;
        SseEmitter emitter = new SseEmitter(endsEarly ? lifetime.plus(ENDING).toMillis() : timeout.toMillis());
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
        if (endsEarly) {
            ScheduledExecutorService ending = scheduler;
            try {
                if (ending == null) {
                    throw new RejectedExecutionException("stopped");
                }
                ending.schedule(() -> end(key, stream), lifetime.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                end(key, stream);
            }
        }
        return emitter;
    }

    /**
     * Runs {@code task} every {@code period} on the streams' one scheduler thread (with the heartbeats), until the
     * application stops. A task that fails is logged and runs again next time; a task that takes long should hand
     * its work to a thread of its own, or it holds back the heartbeats.
     */
    public synchronized void every(Duration period, Runnable task) {
        Periodic added = new Periodic(period, task);
        periodic.add(added);
        if (scheduler != null) {
            schedule(scheduler, added);
        }
    }

    private static void schedule(ScheduledExecutorService scheduler, Periodic periodic) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                periodic.task().run();
            } catch (RuntimeException e) {
                LOG.warn("a scheduled live task failed: {}", e.toString());
            }
        }, periodic.period().toMillis(), periodic.period().toMillis(), TimeUnit.MILLISECONDS);
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

    /** The states of the streams watching {@code key} now, in no particular order. */
    @SuppressWarnings("unchecked")
    public <S> List<S> states(String key) {
        Set<Stream<?>> watching = streams.get(key);
        return watching == null ? List.of()
                : watching.stream().map(stream -> (S) stream.state).toList();
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

    private void end(String key, Stream<?> stream) {
        forget(key, stream);
        synchronized (stream) {
            stream.emitter.complete();
        }
    }

    private void forget(String key, Stream<?> stream) {
        streams.computeIfPresent(key, (k, watching) -> {
            watching.remove(stream);
            return watching.isEmpty() ? null : watching;
        });
    }

    /** Starts the scheduler: the heartbeats and the periodic tasks. */
    @Override
    public synchronized void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("web-sse-heartbeat").daemon().factory());
        periodic.forEach(task -> schedule(started, task));
        scheduler = started;
        running = true;
    }

    /** Ends every open stream, before the web server waits for requests in progress (a later phase). */
    @Override
    public synchronized void stop() {
        running = false;
        ScheduledExecutorService stopping = scheduler;
        scheduler = null;
        if (stopping != null) {
            stopping.shutdownNow();
        }
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
