package eventshop.eventsourcing.config;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Which Micrometer observations a service makes and where its spans go, as the lowest-precedence property
 * source (a service or the environment may set any of them otherwise, e.g. turn an observation back on with
 * {@code management.observations.enable.<prefix>=true}).
 *
 * <p>Observations off by default: Spring Security's ({@code spring.security.*}: an observation around every
 * filter of the chain, every authentication and every authorization, a dozen per request) and Spring Cloud
 * Function's ({@code spring.cloud.function}: one per consumed message, next to the consumer span and
 * counters the starter's {@code ExactlyOnce} already records), and Spring Integration's ({@code spring.integration}:
 * the Kafka binder's output channels observe every send, each in a new trace, and write that trace's
 * {@code traceparent} over the one the relay puts on the record). Under load the first two were about a tenth of the
 * store's CPU (docs/benchmarks.md, issue 14) and told nothing the HTTP server observation, the
 * consumer spans and {@code consumer.events} do not. The HTTP server and client observations stay:
 * they are the request metrics and the trace of a command.
 *
 * <p>Tracing (docs/operations.md, "Tracing"): every trace is sampled
 * ({@code management.tracing.sampling.probability} 1.0, Boot's default being 0.1), and spans are exported
 * over OTLP only when an endpoint is given: the environment variable {@value #OTLP_ENDPOINT_VARIABLE}
 * (for example {@code http://localhost:4318/v1/traces}) becomes
 * {@value #OTLP_ENDPOINT_PROPERTY}. Without one, Boot sets up no exporter and nothing tries to send.
 */
public final class ObservationDefaults implements EnvironmentPostProcessor {

    /** The environment variable naming the OTLP (HTTP) endpoint spans are exported to. */
    public static final String OTLP_ENDPOINT_VARIABLE = "EVENTSHOP_OTLP_ENDPOINT";
    /** Boot's property for it, which turns the OTLP span exporter on. */
    public static final String OTLP_ENDPOINT_PROPERTY = "management.opentelemetry.tracing.export.otlp.endpoint";

    static final String SOURCE_NAME = "eventshopObservationDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new HashMap<>(Map.of(
                "management.observations.enable.spring.security", "false",
                "management.observations.enable.spring.cloud.function", "false",
                "management.observations.enable.spring.integration", "false",
                "management.tracing.sampling.probability", "1.0"));
        String endpoint = environment.getProperty(OTLP_ENDPOINT_VARIABLE);
        if (endpoint != null && !endpoint.isBlank()) {
            defaults.put(OTLP_ENDPOINT_PROPERTY, endpoint.trim());
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
