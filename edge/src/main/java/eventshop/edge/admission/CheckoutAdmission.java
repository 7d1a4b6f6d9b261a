package eventshop.edge.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import eventshop.edge.EdgeProperties;
import eventshop.edge.problems.EdgeProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Edge's admission of checkouts: at most {@link #limit()} of them in flight, from the moment edge forwards one to carts
 * until the order it started is settled (confirmed or cancelled, as {@code orders.events} tells, see
 * {@link OrderSettlements}); a checkout beyond that is refused at once with 503 {@code overloaded} and
 * {@code Retry-After}, before it costs the store anything. The limit follows the time checkouts take to settle
 * ({@link SettleTimeLimit}), so that when checkouts arrive faster than the store can settle them the excess is refused
 * while the accepted ones still settle well within their saga's deadlines, instead of every order queueing until steps
 * time out into compensation.
 *
 * <p>A checkout holds its place in flight from edge's forwarding, not from carts' answer: carts answers 202 at once
 * and the work (the saga, three services, a dozen Kafka hops) follows, so limiting the HTTP calls alone would bound
 * nothing. A checkout carts refuses (4xx, 503) leaves at once and tells nothing about settle time; one that got no
 * answer in time (504, or the call failing) counts as late. One whose settlement edge never sees (an order whose
 * events this edge missed) is given up after {@code give-up-after} and counts as late too, so a lost event costs one
 * place for a while, never one for good. Each edge instance limits what it admitted itself.
 */
@Component
public class CheckoutAdmission {

    /**
     * Where the answer to an accepted checkout says the order is: carts' 202 {@code Location: /api/orders/<orderId>},
     * or the storefront's redirect to the order's page, {@code /orders/<orderId>?ct=...}.
     */
    private static final Pattern ORDER_LOCATION = Pattern.compile("(?:/api)?/orders/([A-Za-z0-9._:-]{1,100})");

    private final EdgeProperties.Admission settings;
    private final SimpleLimiter<Void> limiter;
    private final LongSupplier clock;
    /** Checkouts carts accepted, by order id, until their order settles. */
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    /**
     * Orders settled lately (whether timed out), kept for {@code give-up-after} by id: for an answer handled after its
     * order settled (a rare race), or repeated after it did (a checkout retried with its {@code Idempotency-Key}).
     */
    private final Cache<String, Boolean> recentlySettled;
    private final AtomicLong nextSweep;
    private final Counter refused;
    private final Counter givenUp;
    private final Timer settleTime;

    private record InFlight(Limiter.Listener place, long admittedAt) {
    }

    @Autowired
    CheckoutAdmission(EdgeProperties properties, MeterRegistry registry) {
        this(properties.admission(), registry, System::nanoTime);
    }

    CheckoutAdmission(EdgeProperties.Admission settings, MeterRegistry registry, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.nextSweep = new AtomicLong(clock.getAsLong());
        this.limiter = SimpleLimiter.newBuilder()
                .named("checkouts")
                .nanoClock(clock)
                .limit(new SettleTimeLimit(settings.initialLimit(), settings.minLimit(), settings.maxLimit(),
                        settings.settleTarget(), settings.backoff()))
                .build();
        this.recentlySettled = Caffeine.newBuilder()
                .ticker(clock::getAsLong)
                .expireAfterWrite(settings.giveUpAfter())
                .maximumSize(100_000)
                .build();
        Gauge.builder("edge.checkouts.limit", limiter, SimpleLimiter::getLimit)
                .description("checkouts edge lets be in flight (forwarded, not yet settled) at once")
                .register(registry);
        Gauge.builder("edge.checkouts.in.flight", limiter, SimpleLimiter::getInflight)
                .description("checkouts edge forwarded whose order has not settled yet")
                .register(registry);
        this.refused = Counter.builder("edge.checkouts.refused")
                .description("checkouts refused with 503 overloaded: the limit was reached")
                .register(registry);
        this.givenUp = Counter.builder("edge.checkouts.given.up")
                .description("checkouts whose settlement edge did not see within give-up-after")
                .register(registry);
        this.settleTime = Timer.builder("edge.checkouts.settle")
                .description("from edge forwarding a checkout to its order confirmed or cancelled")
                .register(registry);
    }

    /** The filter of the API's checkout route: admits the checkout, or answers 503 {@code overloaded} at once. */
    public HandlerFilterFunction<ServerResponse, ServerResponse> limitCheckouts() {
        return limit((request, next) -> EdgeProblem.overloaded("the store is taking more checkouts than it can settle"
                + " in time; try again later", settings.retryAfter()).toResponse(request));
    }

    /**
     * The filter of the storefront's checkout form: admits the checkout, or hands it to web marked with
     * {@code overloadedHeader} (the seconds after which to try again), for web to show the customer the form again,
     * as they filled it, saying the store is busy, without checking out. Whatever a client sent in that header must be
     * removed before this filter (a client could only refuse itself, but the mark is edge's to give).
     */
    public HandlerFilterFunction<ServerResponse, ServerResponse> limitStorefrontCheckouts(String overloadedHeader) {
        String retryAfter = Long.toString(Math.max(1, settings.retryAfter().toSeconds()));
        return limit((request, next) -> next.handle(ServerRequest.from(request)
                .headers(headers -> headers.set(overloadedHeader, retryAfter)).build()));
    }

    private HandlerFilterFunction<ServerResponse, ServerResponse> limit(
            HandlerFilterFunction<ServerResponse, ServerResponse> refusal) {
        return (request, next) -> {
            if (!settings.enabled()) {
                return next.handle(request);
            }
            sweep();
            Optional<Limiter.Listener> place = limiter.acquire(null);
            if (place.isEmpty()) {
                refused.increment();
                return refusal.filter(request, next);
            }
            long admittedAt = clock.getAsLong();
            ServerResponse response;
            try {
                response = next.handle(request);
            } catch (Exception | Error failure) {
                place.get().onDropped();
                throw failure;
            }
            answered(place.get(), admittedAt, response.statusCode().value(), response.headers().getLocation());
            return response;
        };
    }

    /**
     * What carts (or the storefront) answered to an admitted checkout; {@code location} is its {@code Location} header,
     * if any. Accepted: a 202 or a redirect naming the order.
     */
    void answered(Limiter.Listener place, long admittedAt, int status, @Nullable URI location) {
        Matcher order = location == null || location.getPath() == null ? null : ORDER_LOCATION.matcher(location.getPath());
        boolean accepted = status == HttpStatus.ACCEPTED.value() || (status >= 300 && status < 400);
        if (accepted && order != null && order.matches()) {
            String orderId = order.group(1);
            Boolean timedOut = recentlySettled.getIfPresent(orderId);
            if (timedOut != null) {
                settle(place, admittedAt, timedOut);
            } else if (inFlight.putIfAbsent(orderId, new InFlight(place, admittedAt)) != null) {
                // the same order answered twice (a retried checkout with its Idempotency-Key): one place is enough
                place.onIgnore();
            }
        } else if (status == HttpStatus.GATEWAY_TIMEOUT.value()) {
            place.onDropped();
        } else {
            place.onIgnore();
        }
    }

    /**
     * The order {@code orderId} is confirmed or cancelled ({@code timedOut}: cancelled because a step of its saga
     * passed its deadline, which counts as late whatever the time). Orders this edge did not admit are passed over;
     * a second settlement of the same order (a redelivery, a cancel after confirmation) does nothing.
     */
    public void settled(String orderId, boolean timedOut) {
        if (settings.enabled()) {
            recentlySettled.asMap().putIfAbsent(orderId, timedOut);
        }
        InFlight admitted = inFlight.remove(orderId);
        if (admitted != null) {
            settle(admitted.place(), admitted.admittedAt(), timedOut);
        }
        sweep();
    }

    private void settle(Limiter.Listener place, long admittedAt, boolean timedOut) {
        settleTime.record(clock.getAsLong() - admittedAt, TimeUnit.NANOSECONDS);
        if (timedOut) {
            place.onDropped();
        } else {
            place.onSuccess();
        }
    }

    /** Gives up, at most once a second, the checkouts in flight longer than {@code give-up-after}. */
    private void sweep() {
        long now = clock.getAsLong();
        long due = nextSweep.get();
        if (now - due < 0 || !nextSweep.compareAndSet(due, now + TimeUnit.SECONDS.toNanos(1))) {
            return;
        }
        long giveUpAfter = settings.giveUpAfter().toNanos();
        inFlight.forEach((orderId, admitted) -> {
            if (now - admitted.admittedAt() > giveUpAfter && inFlight.remove(orderId, admitted)) {
                givenUp.increment();
                admitted.place().onDropped();
            }
        });
    }

    /** Whether the checkout of order {@code orderId} holds a place in flight: carts accepted it, it has not settled. */
    public boolean holds(String orderId) {
        return inFlight.containsKey(orderId);
    }

    /** The checkouts that may be in flight now. */
    public int limit() {
        return limiter.getLimit();
    }

    /** The checkouts in flight now. */
    public int inFlight() {
        return limiter.getInflight();
    }
}
