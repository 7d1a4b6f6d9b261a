package eventshop.edge.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The state of every circuit breaker edge has ({@code docs/operations.md}, "Edge"): at {@value OpsRoutes#BREAKERS}
 * for an admin's API client (a session token), and at {@value #INTERNAL} for web's console, which calls edge with
 * the services token edge minted for the admin's page ({@code SecurityConfiguration} says who passes). The
 * breakers are listed by name, the services' in route order, then web's ({@link ResilienceConfiguration#breakers()}),
 * then any other the registry holds.
 *
 * <p>Spring Cloud CircuitBreaker makes a breaker lazily: {@code Resilience4JCircuitBreaker#run} asks the registry
 * for it, with the factory's configuration, at the first call through it. A service edge has not called yet has no
 * breaker, and is reported as its breaker will start: {@code CLOSED}, no calls, rates -1. Reading never creates one
 * ({@link CircuitBreakerRegistry#find}): one made here would be made without the factory's configuration and kept.
 */
@RestController
class Breakers {

    /** Where web asks for them (never routed: edge answers it). */
    static final String INTERNAL = "/internal/ops/breakers";

    private final CircuitBreakerRegistry registry;

    Breakers(Resilience4JCircuitBreakerFactory factory) {
        this.registry = factory.getCircuitBreakerRegistry();
    }

    @GetMapping(path = {OpsRoutes.BREAKERS, INTERNAL}, produces = MediaType.APPLICATION_JSON_VALUE)
    List<BreakerState> breakers() {
        return states(registry, ResilienceConfiguration.breakers());
    }

    /** The breakers {@code names} in that order, each as it is or as it will start, then the registry's others by name. */
    static List<BreakerState> states(CircuitBreakerRegistry registry, List<String> names) {
        Stream<BreakerState> named = names.stream().map(name -> registry.find(name).map(BreakerState::of)
                .orElseGet(() -> BreakerState.notCalledYet(name)));
        Stream<BreakerState> others = registry.getAllCircuitBreakers().stream()
                .filter(breaker -> !names.contains(breaker.getName()))
                .sorted(Comparator.comparing(CircuitBreaker::getName))
                .map(BreakerState::of);
        return Stream.concat(named, others).toList();
    }

    /**
     * One breaker as the console shows it.
     *
     * @param route             the breaker's name: the service its routes lead to ({@code web} for web's)
     * @param state             Resilience4j's state: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN} (or
     *                          {@code DISABLED}, {@code FORCED_OPEN}, {@code METRICS_ONLY}, which edge does not use)
     * @param failureRate       percentage of the window's calls that failed, as Resilience4j reports it: -1 while
     *                          the window holds fewer than the minimum number of calls (not enough to judge)
     * @param slowCallRate      percentage of the window's calls that were slow, -1 likewise
     * @param bufferedCalls     calls in the window
     * @param failedCalls       failed calls in the window
     * @param notPermittedCalls calls refused because the breaker was open; like the others, counted since the
     *                          breaker last closed or half-opened (it starts its metrics afresh then)
     */
    record BreakerState(String route, String state, float failureRate, float slowCallRate, int bufferedCalls,
                        int failedCalls, long notPermittedCalls) {

        static BreakerState of(CircuitBreaker breaker) {
            CircuitBreaker.Metrics metrics = breaker.getMetrics();
            return new BreakerState(breaker.getName(), breaker.getState().name(), metrics.getFailureRate(),
                    metrics.getSlowCallRate(), metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
                    metrics.getNumberOfNotPermittedCalls());
        }

        /** A breaker not made yet: as it will start. */
        static BreakerState notCalledYet(String name) {
            return new BreakerState(name, CircuitBreaker.State.CLOSED.name(), -1, -1, 0, 0, 0);
        }
    }
}
