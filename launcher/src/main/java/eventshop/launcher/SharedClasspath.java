package eventshop.launcher;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The price of one JVM: every application the launcher runs shares one classpath, so each would see
 * the auto-configurations of all the others' dependencies. Run alone, an application has only its
 * own and needs none of this; no application's config file carries an exclusion list for it. Here,
 * each kind of application leaves out what belongs to the other kind:
 *
 * <ul>
 *   <li>edge leaves out the services' stack: the starter (it would open an event store for edge and
 *       install the services' token security and OpenAPI naming), Boot's Flyway (the services migrate their
 *       read-model tables with it; edge's session tables come from Spring Session's script), Spring Cloud
 *       Stream, Function and Integration (the services' Kafka bindings; edge follows {@code accounts.events} with plain
 *       Spring Kafka), and the gateway's default route to a Spring Cloud Function, which would answer
 *       every unmatched path with a 500;</li>
 *   <li>the services (functions included) leave out edge's gateway and its server-side sessions.</li>
 * </ul>
 */
final class SharedClasspath {

    static final List<String> NOT_FOR_EDGE = List.of("eventshop.eventsourcing.",
            "org.springframework.cloud.stream.", "org.springframework.cloud.function.",
            "org.springframework.boot.integration.", "org.springframework.boot.flyway.",
            "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");
    static final List<String> NOT_FOR_SERVICES = List.of("org.springframework.cloud.gateway.",
            "org.springframework.boot.session.");

    private SharedClasspath() {
    }

    /** Adds what an application of this kind must not run to its {@code spring.autoconfigure.exclude}. */
    static ApplicationContextInitializer<ConfigurableApplicationContext> exclusionsFor(ServiceApp.Kind kind) {
        return new ExcludeAutoConfigurations(autoConfigurationsStartingWith(switch (kind) {
            case SERVICE -> NOT_FOR_SERVICES;
            case EDGE -> NOT_FOR_EDGE;
        }));
    }

    /** The auto-configurations on the classpath whose class names start with one of {@code prefixes}. */
    static List<String> autoConfigurationsStartingWith(List<String> prefixes) {
        List<String> names = new ArrayList<>();
        for (String candidate : ImportCandidates.load(AutoConfiguration.class, SharedClasspath.class.getClassLoader())) {
            if (prefixes.stream().anyMatch(candidate::startsWith)) {
                names.add(candidate);
            }
        }
        return names;
    }

    /**
     * Adds auto-configurations to {@code spring.autoconfigure.exclude}, keeping those the
     * application excludes itself (a list property is not merged across property sources, so an
     * argument would replace the application's own list).
     */
    private record ExcludeAutoConfigurations(List<String> more)
            implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        private static final String PROPERTY = "spring.autoconfigure.exclude";

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            ConfigurableEnvironment env = context.getEnvironment();
            Set<String> excluded = new LinkedHashSet<>(Binder.get(env)
                    .bind(PROPERTY, Bindable.listOf(String.class)).orElse(List.of()));
            excluded.addAll(more);
            env.getPropertySources().addFirst(new MapPropertySource("eventshop-launcher-exclusions",
                    Map.of(PROPERTY, String.join(",", excluded))));
        }
    }
}
