package eventshop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import eventshop.deploy.ComposeFile.Instance;
import eventshop.deploy.Reactor.Application;

/**
 * What an application's configuration comes to in deploy/compose.yaml, computed by Spring Boot itself: the
 * service's environment (a value for each secret compose takes from deploy/.env) and, for an application that
 * imports from the Config Server, config/'s application.yml and its own file there, as the server's native
 * backend serves them. Every instance registers in the Eureka that compose runs, under its own host name and an
 * instance id no other instance of its application has; its data is in the PostgreSQL and its events in the
 * brokers that compose runs; every setting resolves.
 */
class ComposeConfigurationTest {

    /** {@code ${NAME:?message}}: compose's interpolation of a variable it requires (deploy/.env). */
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Z_]+):\\?[^}]*}");
    /** {@code ${NAME:-default}}: compose's interpolation of an optional variable, the default where deploy/.env has none. */
    private static final Pattern OPTIONAL = Pattern.compile("\\$\\{([A-Z_]+):-([^}]*)}");

    private final ComposeFile compose = new ComposeFile();

    @TestFactory
    Stream<DynamicTest> every_instance_resolves_its_configuration() {
        return compose.instances().stream().filter(instance -> instance.application() != null)
                .map(instance -> DynamicTest.dynamicTest(instance.service(), () -> check(instance)));
    }

    @Test
    void instances_of_one_application_register_apart() {
        for (Application application : Reactor.applications()) {
            List<Instance> instances = compose.instances(application);
            if (instances.size() > 1) {
                List<String> ids = instances.stream().map(instance -> {
                    try (ResolvedConfiguration configuration = load(instance)) {
                        return configuration.get("eureka.instance.instance-id");
                    }
                }).toList();
                assertThat(ids).as("Eureka instance ids of %s", application.name()).doesNotHaveDuplicates()
                        .doesNotContainNull();
            }
        }
    }

    @Test
    void the_config_server_serves_the_mounted_config() {
        Instance configServer = compose.instance("config-server");
        try (ResolvedConfiguration configuration = load(configServer)) {
            String locations = configuration.get("spring.cloud.config.server.native.search-locations");
            String mounted = ConfigurationFiles.list(configServer.definition().get("volumes")).stream()
                    .map(String::valueOf).filter(volume -> volume.startsWith("../config:")).findFirst().orElseThrow()
                    .split(":")[1];

            assertThat(locations).isEqualTo("file:" + mounted + "/");
            assertThat(configuration.environment().getActiveProfiles()).containsExactly("native");
        }
    }

    private void check(Instance instance) {
        try (ResolvedConfiguration configuration = load(instance)) {
            for (String property : configuration.propertyNames()) {
                assertThatCode(() -> configuration.get(property)).as("%s of %s", property, instance.service())
                        .doesNotThrowAnyException();
            }
            if (!instance.environment().getOrDefault("SPRING_CONFIG_IMPORT", "").startsWith("configserver:")) {
                return;
            }
            assertThat(configuration.environment().getActiveProfiles()).contains("distributed");

            Application discovery = Reactor.application("discovery");
            assertThat(configuration.get("eureka.client.enabled")).isEqualTo("true");
            assertThat(configuration.get("eureka.client.service-url.defaultZone"))
                    .isEqualTo("http://" + compose.instance("discovery").service() + ":" + discovery.port() + "/eureka/");
            assertThat(configuration.get("eureka.instance.hostname")).isEqualTo(instance.definition().get("hostname"));

            assertThat(configuration.get("spring.datasource.url"))
                    .startsWith("jdbc:postgresql://" + service("postgres") + ":5432/");
            assertThat(configuration.get("eventshop.eventstore.engine")).isIn("postgres", "none");
            for (String broker : configuration.get("spring.kafka.bootstrap-servers").split(",")) {
                assertThat(compose.services()).containsKey(broker.split(":")[0]);
            }
            for (String property : configuration.propertyNames()) {
                if (property.matches("eventshop\\.services\\.[a-z-]+\\.url|eventshop\\.edge\\.services\\.[a-z-]+")) {
                    URI uri = URI.create(configuration.get(property));
                    assertThat(uri.getScheme()).as("%s of %s", property, instance.service()).isEqualTo("lb");
                    assertThat(compose.instances(Reactor.application(uri.getHost()))).isNotEmpty();
                }
            }
        }
    }

    private String service(String name) {
        assertThat(compose.services()).containsKey(name);
        return name;
    }

    /**
     * The instance's variables with a value for each required one, and SPRING_CONFIG_IMPORT=configserver:... as
     * what the Config Server's native backend serves from config/, lowest precedence first: application.yml, then
     * (application).yml, then the two again for each active profile.
     */
    private static ResolvedConfiguration load(Instance instance) {
        Map<String, String> variables = new LinkedHashMap<>();
        instance.environment().forEach((name, value) -> {
            Matcher required = REQUIRED.matcher(value);
            Matcher optional = OPTIONAL.matcher(value);
            variables.put(name, required.matches() ? "a-secret" : optional.matches() ? optional.group(2) : value);
        });
        String name = instance.application().name();
        variables.computeIfPresent("SPRING_CONFIG_IMPORT", (variable, value) -> {
            if (!value.startsWith("configserver:")) {
                return value;
            }
            List<String> files = new ArrayList<>(List.of("application.yml", name + ".yml"));
            for (String profile : variables.getOrDefault("SPRING_PROFILES_ACTIVE", "").split(",")) {
                files.addAll(List.of("application-" + profile + ".yml", name + "-" + profile + ".yml"));
            }
            return String.join(",", files.stream().map(file -> "optional:file:" + Reactor.CONFIG.resolve(file)).toList());
        });
        return ResolvedConfiguration.load(instance.application(), variables);
    }
}
