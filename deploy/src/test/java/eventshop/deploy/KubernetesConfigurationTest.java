package eventshop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.env.ConfigurableEnvironment;

import eventshop.deploy.Reactor.Application;

/**
 * What an application's configuration comes to on Kubernetes, computed by Spring Boot itself: the environment of
 * its Deployment (the ConfigMap's literals, its own variables, a value for each secret), config/ where the
 * Deployment mounts the ConfigMap, its own file where its jar has it. Every service it calls is a Kubernetes
 * Service by name and port (no lb://, no Eureka), its data is in PostgreSQL (the root filesystem is read-only), and
 * every setting resolves.
 */
class KubernetesConfigurationTest {

    private final KubernetesManifests manifests = KubernetesManifests.load();

    @TestFactory
    Stream<DynamicTest> every_deployment_resolves_its_configuration() {
        return Reactor.applications().stream().filter(application -> manifests.deploymentOf(application) != null)
                .map(application -> DynamicTest.dynamicTest(application.name(), () -> check(application)));
    }

    private void check(Application application) {
        Map<String, String> environment = manifests.environmentOf(application);
        try (ResolvedConfiguration configuration = start(application, environment)) {
            ConfigurableEnvironment resolved = configuration.environment();

            assertThat(resolved.getActiveProfiles()).contains("distributed", "kubernetes");
            assertThat(resolved.getProperty("eureka.client.enabled")).isEqualTo("false");
            assertThat(resolved.getProperty("spring.datasource.url")).isEqualTo(environment.get("EVENTSHOP_POSTGRES_URL"));
            assertThat(resolved.getProperty("eventshop.eventstore.engine", "postgres"))
                    .as("the event store of %s (the root filesystem is read-only)", application.name())
                    .isIn("postgres", "none");

            Map<String, String> calls = new LinkedHashMap<>();
            for (String property : configuration.propertyNames()) {
                if (property.matches("eventshop\\.services\\.[a-z-]+\\.url|eventshop\\.edge\\.services\\.[a-z-]+")) {
                    calls.put(property, resolved.getProperty(property));
                }
                assertThatCode(() -> resolved.getProperty(property)).as("%s of %s", property, application.name())
                        .doesNotThrowAnyException();
            }
            for (var call : calls.entrySet()) {
                URI uri = URI.create(call.getValue());
                assertThat(uri.getScheme()).as("%s of %s", call.getKey(), application.name()).isEqualTo("http");
                Map<String, Object> service = manifests.named("Service", uri.getHost());
                assertThat(service).as("the Service behind %s of %s", call, application.name()).isNotNull();
                assertThat(ConfigurationFiles.list(ConfigurationFiles.at(service, "spec.ports")).stream()
                        .map(port -> ConfigurationFiles.map(port).get("port"))).contains(uri.getPort());
            }
        }
    }

    /** The Deployment's variables, a value for each secret, config/ where the Deployment mounts it. */
    private ResolvedConfiguration start(Application application, Map<String, String> environment) {
        String mount = manifests.mountOfConfig(application);
        Map<String, String> variables = new LinkedHashMap<>();
        environment.forEach((name, value) -> variables.put(name, value.startsWith("(from ") ? "a-secret" : value));
        variables.computeIfPresent("SPRING_CONFIG_IMPORT", (name, value) -> value.replace(mount, Reactor.CONFIG.toString()));
        return ResolvedConfiguration.load(application, variables);
    }
}
