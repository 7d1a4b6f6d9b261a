package eventshop.edge.routing;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import eventshop.edge.EdgeProperties;
import eventshop.edge.problems.EdgeProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * One bulkhead per service: at most {@code eventshop.edge.resilience.max-concurrent-calls} calls edge forwards to it at
 * once; the next is refused at once with 503 {@code overloaded} and {@code Retry-After}, and never reaches the
 * service. When requests arrive faster than a service answers them they would otherwise pile up at it, each waiting
 * longer for the CPU, until they all run into edge's time limit (504) — every one of them having cost the service
 * work that nobody got an answer for. The limit is generous (what the services answer at their busiest, not what
 * they take at rest): it is a floor under the checkouts' own admission ({@code CheckoutAdmission}), which limits the
 * work behind the calls. A refusal is an answer, not the service's failure: its breaker does not count it.
 */
@Component
public class Bulkheads {

    private final int maxConcurrentCalls;
    private final Duration retryAfter;
    private final MeterRegistry registry;
    private final Map<String, SimpleLimiter<Void>> byService = new ConcurrentHashMap<>();

    @Autowired
    Bulkheads(EdgeProperties properties, MeterRegistry registry) {
        this(properties.resilience().maxConcurrentCalls(), Duration.ofSeconds(1), registry);
    }

    Bulkheads(int maxConcurrentCalls, Duration retryAfter, MeterRegistry registry) {
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("max-concurrent-calls must be at least 1, not " + maxConcurrentCalls);
        }
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.retryAfter = retryAfter;
        this.registry = registry;
    }

    /** The filter of every route to {@code service}: the call holds a place in its bulkhead until it is answered. */
    HandlerFilterFunction<ServerResponse, ServerResponse> of(String service) {
        SimpleLimiter<Void> bulkhead = bulkhead(service);
        Counter refused = Counter.builder("edge.bulkhead.refused").tag("service", service)
                .description("calls refused with 503 overloaded: the service's bulkhead was full")
                .register(registry);
        return (request, next) -> {
            Optional<Limiter.Listener> place = bulkhead.acquire(null);
            if (place.isEmpty()) {
                refused.increment();
                return EdgeProblem.overloaded("the " + service + " service has as many requests as it can take at"
                        + " once; try again later", retryAfter).toResponse(request);
            }
            try {
                return next.handle(request);
            } finally {
                place.get().onIgnore();
            }
        };
    }

    /** Calls to {@code service} in flight now. */
    int inFlight(String service) {
        return bulkhead(service).getInflight();
    }

    private SimpleLimiter<Void> bulkhead(String service) {
        return byService.computeIfAbsent(service, name -> {
            SimpleLimiter<Void> made = SimpleLimiter.newBuilder().named("bulkhead-" + name)
                    .limit(FixedLimit.of(maxConcurrentCalls)).build();
            registry.gauge("edge.bulkhead.in.flight", Tags.of("service", name), made,
                    SimpleLimiter::getInflight);
            return made;
        });
    }
}
