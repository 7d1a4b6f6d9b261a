package eventshop.edge.routing;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.edge.routing.Breakers.BreakerState;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The breakers' report over a registry as Spring Cloud CircuitBreaker fills it: lazily, at a route's first call. */
class BreakersTest {

    final CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .slidingWindowSize(4).minimumNumberOfCalls(2).build());

    @Test
    void aServiceNotCalledYet_isReportedAsItsBreakerWillStart_andReadingDoesNotMakeIt() {
        List<BreakerState> states = Breakers.states(registry, List.of("catalog"));

        assertThat(states).containsExactly(new BreakerState("catalog", "CLOSED", -1, -1, 0, 0, 0));
        assertThat(registry.find("catalog")).isEmpty();
    }

    @Test
    void aBreakerThatCarriedCalls_reportsItsStateAndMetrics_inTheNamesOrder_thenTheRegistrysOthers() {
        // given: orders failed twice (the minimum) and opened, then refused a call; carts had one good call
        CircuitBreaker orders = registry.circuitBreaker("orders");
        orders.onError(5, TimeUnit.MILLISECONDS, new IOException("refused"));
        orders.onError(5, TimeUnit.MILLISECONDS, new IOException("refused"));
        assertThat(orders.tryAcquirePermission()).isFalse();
        registry.circuitBreaker("carts").onSuccess(5, TimeUnit.MILLISECONDS);
        registry.circuitBreaker("another");

        // when
        List<BreakerState> states = Breakers.states(registry, List.of("orders", "carts", "web"));

        // then: carts' single call is below the minimum, so its rates are -1 (not enough calls to judge)
        assertThat(states).containsExactly(
                new BreakerState("orders", "OPEN", 100, 0, 2, 2, 1),
                new BreakerState("carts", "CLOSED", -1, -1, 1, 0, 0),
                new BreakerState("web", "CLOSED", -1, -1, 0, 0, 0),
                new BreakerState("another", "CLOSED", -1, -1, 0, 0, 0));
    }

    @Test
    void edgesBreakers_areOnePerServiceItRoutesTo_andWebs() {
        assertThat(ResilienceConfiguration.breakers())
                .containsExactly("views", "accounts", "catalog", "inventory", "carts", "orders", "payments", "web");
    }
}
