package eventshop.edge.tracing;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Edge's tracing, as the lowest-precedence property source: every request traced
 * ({@code management.tracing.sampling.probability} 1.0; Boot's default is 0.1), and spans exported over
 * OTLP only when the environment variable {@value #OTLP_ENDPOINT_VARIABLE} names an endpoint. Boot's own
 * property ({@value #OTLP_ENDPOINT_PROPERTY}) turns its exporter on when set at all, even to an empty
 * value, so the variable is copied only when it is there. The same as the services' starter does
 * (its {@code ObservationDefaults}), which edge does not depend on.
 */
public final class TracingDefaults implements EnvironmentPostProcessor {

    static final String OTLP_ENDPOINT_VARIABLE = "EVENTSHOP_OTLP_ENDPOINT";
    static final String OTLP_ENDPOINT_PROPERTY = "management.opentelemetry.tracing.export.otlp.endpoint";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("management.tracing.sampling.probability", "1.0");
        String endpoint = environment.getProperty(OTLP_ENDPOINT_VARIABLE);
        if (endpoint != null && !endpoint.isBlank()) {
            defaults.put(OTLP_ENDPOINT_PROPERTY, endpoint.trim());
        }
        environment.getPropertySources().addLast(new MapPropertySource("eventshopEdgeTracingDefaults", defaults));
    }
}
