package eventshop.web.ops;

import eventshop.web.calls.Concurrently;
import eventshop.web.live.LiveStreams;
import eventshop.web.live.LiveStreams.Push;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's live pages: what the services report is polled, not pushed, so while a console stream is open
 * its {@link Feed} is read every {@code eventshop.web.ops.live-every} (2 s) and the fragment it renders is sent as
 * the SSE event {@value #EVENT}. The streams are {@link LiveStreams}' (one registry, one scheduler, the same
 * heartbeats and shutdown); a feed is read once per tick whoever watches it, and not at all while nobody does.
 *
 * <p>A feed is read as the admin who opened a stream on it: the poll relays that request's services token. Edge
 * mints those for a minute, so a stream ends shortly before its token expires, and the browser's
 * {@code EventSource} reconnects through edge with a fresh one (whose first event is the state at once). Thread-safe.
 */
@Component
public class OpsLive {

    private static final Logger LOG = LoggerFactory.getLogger(OpsLive.class);

    /** The SSE event every console stream sends (the pages' {@code sse-swap}). */
    public static final String EVENT = "ops";
    /** How long before its token expires a stream ends. */
    private static final Duration MARGIN = Duration.ofSeconds(10);
    /** The shortest stream (a token about to expire still gets its first fragment). */
    private static final Duration SHORTEST = Duration.ofSeconds(1);

    /** Who watches a stream (whose token reads the feed), the page's CSRF token, and what the feed remembers for it. */
    public record Viewer<M>(Authentication caller, String csrf, @Nullable M memory) {
    }

    /** A fragment rendered for one viewer, and what the feed remembers for that viewer next time. */
    public record Rendered<M>(@Nullable M memory, String html) {
    }

    /** What a live page shows: read once per tick (never throws: what fails is shown), rendered per viewer. */
    public interface Feed<D, M> {

        D read();

        Rendered<M> render(D data, Viewer<M> viewer);
    }

    private final LiveStreams streams;
    private final Concurrently concurrently;
    private final Map<String, Feed<?, ?>> feeds = new ConcurrentHashMap<>();
    private final AtomicBoolean polling = new AtomicBoolean();

    public OpsLive(LiveStreams streams, Concurrently concurrently, OpsProperties properties) {
        this.streams = streams;
        this.concurrently = concurrently;
        streams.every(properties.liveEvery(), this::tick);
    }

    /**
     * Opens a stream on {@code key} (one key per thing watched) for the admin of this request: reads the feed now
     * and sends its fragment at once, then every tick until the stream ends.
     */
    public <D, M> SseEmitter open(String key, Feed<D, M> feed, String csrf, @Nullable M memory) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        D now = feed.read();
        SseEmitter emitter = streams.open(key, new Viewer<>(caller, csrf, memory), viewer -> push(feed, now, viewer),
                lifetime(caller));
        feeds.put(key, feed); // after the stream is watched: a tick that finds nobody watching cannot drop it now
        return emitter;
    }

    /** How many streams watch {@code key} (for tests). */
    public int watching(String key) {
        return streams.watching(key);
    }

    private void tick() {
        if (feeds.isEmpty() || !polling.compareAndSet(false, true)) {
            return; // nobody watches, or the last poll is still running
        }
        concurrently.start(() -> {
            try {
                feeds.forEach(this::poll);
            } finally {
                polling.set(false);
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private <D, M> void poll(String key, Feed<?, ?> someFeed) {
        Feed<D, M> feed = (Feed<D, M>) someFeed;
        List<Viewer<M>> viewers = streams.states(key);
        if (viewers.isEmpty()) {
            feeds.computeIfPresent(key, (k, f) -> streams.watching(k) == 0 ? null : f);
            return;
        }
        try {
            D data = as(viewers.getFirst().caller(), feed::read);
            streams.<Viewer<M>>publish(key, viewer -> push(feed, data, viewer));
        } catch (RuntimeException e) {
            LOG.warn("the console's live {} could not be read: {}", key, e.toString());
        }
    }

    private static <D, M> Push<Viewer<M>> push(Feed<D, M> feed, D data, Viewer<M> viewer) {
        Rendered<M> rendered = feed.render(data, viewer);
        return new Push<>(new Viewer<>(viewer.caller(), viewer.csrf(), rendered.memory()), EVENT, rendered.html());
    }

    private static <T> T as(Authentication caller, Supplier<T> read) {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(caller);
        SecurityContextHolder.setContext(context);
        try {
            return read.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static Duration lifetime(@Nullable Authentication caller) {
        Instant expires = caller instanceof JwtAuthenticationToken jwt ? jwt.getToken().getExpiresAt() : null;
        if (expires == null) {
            return SHORTEST;
        }
        Duration left = Duration.between(Instant.now(), expires).minus(MARGIN);
        return left.compareTo(SHORTEST) < 0 ? SHORTEST : left;
    }
}
