package eventshop.eventsourcing.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Which Micrometer observations a service makes, as the lowest-precedence property source (a
 * service or the environment may turn any of them back on with
 * {@code management.observations.enable.<prefix>=true}).
 *
 * <p>Off by default: Spring Security's ({@code spring.security.*}: an observation around every filter
 * of the chain, every authentication and every authorization, a dozen per request) and Spring Cloud
 * Function's ({@code spring.cloud.function}: one per consumed message, next to the consumer span and
 * counters the starter's {@code ExactlyOnce} already records). Under load they were about a tenth of the
 * store's CPU (docs/benchmarks.md, issue 14) and told nothing the HTTP server observation, the
 * consumer spans and {@code consumer.events} do not. The HTTP server and client observations stay:
 * they are the request metrics and the trace of a command.
 */
public final class ObservationDefaults implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "eventshopObservationDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(
                "management.observations.enable.spring.security", "false",
                "management.observations.enable.spring.cloud.function", "false")));
    }
}
