package eventshop.edge.routing;

import eventshop.edge.EdgeProperties;
import java.util.List;
import java.util.stream.Stream;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One circuit breaker and time limiter per service (named after it), configured from
 * {@code eventshop.edge.resilience.*}: a count-based window of recent calls; when at least half of them
 * failed (unreachable or too slow) the breaker opens and calls fail fast with 503 until it half-opens
 * to try again. A service's error responses are answers, not failures; a service with no instance that
 * discovery knows of ({@link NoInstanceAvailable}) is neither: the call is refused, not counted, so the first
 * instance to register is called at once.
 */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

    /** Every breaker edge has, by name: one per service it routes to, and web's (its pages and the joined ops views). */
    static List<String> breakers() {
        return Stream.concat(ServiceRoute.services().stream(), Stream.of(WebRoutes.WEB)).toList();
    }

    @Bean
    Customizer<Resilience4JCircuitBreakerFactory> serviceBreakers(EdgeProperties properties) {
        EdgeProperties.Resilience settings = properties.resilience();
        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.openStateWait())
                .permittedNumberOfCallsInHalfOpenState(2)
                .ignoreExceptions(NoInstanceAvailable.class)
                .build();
        TimeLimiterConfig timeLimit = TimeLimiterConfig.custom()
                .timeoutDuration(settings.timeout())
                .cancelRunningFuture(true)
                .build();
        return factory -> {
            factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
                    .circuitBreakerConfig(breaker)
                    .timeLimiterConfig(timeLimit)
                    .build());
            for (String service : ServiceRoute.services()) {
                factory.getCircuitBreakerRegistry().addConfiguration(service, breaker);
                factory.getTimeLimiterRegistry().addConfiguration(service, timeLimit);
            }
        };
    }
}
