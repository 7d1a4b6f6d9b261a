package eventshop.deploy;

import static eventshop.deploy.ConfigurationFiles.at;
import static eventshop.deploy.ConfigurationFiles.list;
import static eventshop.deploy.ConfigurationFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import eventshop.deploy.ComposeFile.Instance;
import eventshop.deploy.Reactor.Application;

/**
 * deploy/compose.yaml against the applications: every application of the reactor runs from the image the images
 * profile names, on the port its configuration names, with only environment variables it reads, and with a health
 * check on a health group it has; two instances of what Kubernetes scales to two replicas.
 */
class ComposeFileTest {

    private static final Pattern CONFIG_SERVER = Pattern.compile("configserver:http://([^:/]+):(\\d+)");

    private final ComposeFile compose = new ComposeFile();

    private final Map<String, Object> services = compose.services();

    @Test
    void runs_every_application_of_the_reactor_from_its_image() {
        List<String> images = compose.instances().stream().map(Instance::image).toList();

        assertThat(images).containsAll(Reactor.applications().stream().map(Application::image).toList());
        assertThat(compose.instances()).as("services that run an image of this project but of no application")
                .noneMatch(instance -> instance.image().startsWith(Reactor.Images.prefix()) && instance.application() == null);
    }

    @Test
    void runs_as_many_instances_as_kubernetes_has_replicas() {
        for (Application application : Reactor.applications()) {
            int replicas = KubernetesManifests.load().replicas(application.name());
            if (replicas > 0) {
                assertThat(compose.instances(application)).as("instances of %s", application.name()).hasSize(replicas);
            }
        }
        assertThat(compose.instances(Reactor.application("carts"))).hasSizeGreaterThan(1);
    }

    @Test
    void runs_three_brokers_that_keep_three_replicas_two_in_sync() {
        List<Map<String, String>> brokers = compose.instances().stream()
                .filter(instance -> instance.image().startsWith("apache/kafka:")).map(Instance::environment).toList();
        Map<String, String> services = compose.instance("catalog").environment();

        assertThat(brokers).hasSize(3).allSatisfy(broker -> assertThat(broker)
                .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3").containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2"));
        assertThat(brokers.stream().map(broker -> broker.get("KAFKA_NODE_ID")).distinct()).hasSize(3);
        assertThat(services.get("EVENTSHOP_KAFKA_BOOTSTRAP").split(",")).hasSize(brokers.size());
        // ${EVENTSHOP_KAFKA_REPLICATION_FACTOR:3}: what the services' environment in the compose file sets, else the default
        String factor = String.valueOf(new ConfigurationFiles(List.of(Reactor.CONFIG.resolve("application-distributed.yml")))
                .properties().get("spring.cloud.stream.kafka.binder.replication-factor"));
        Matcher placeholder = Pattern.compile("\\$\\{([A-Z_]+):(\\d+)}").matcher(factor);
        if (placeholder.matches()) {
            factor = services.getOrDefault(placeholder.group(1), placeholder.group(2));
        }
        assertThat(Integer.valueOf(factor)).isEqualTo(brokers.size());
    }

    @Test
    void the_database_is_the_one_the_services_are_told() {
        Map<String, String> postgres = compose.instances().stream()
                .filter(instance -> instance.service().equals("postgres")).findFirst().orElseThrow().environment();
        List<Map<String, String>> services = compose.instances().stream().map(Instance::environment)
                .filter(environment -> environment.containsKey("EVENTSHOP_POSTGRES_URL")).toList();

        assertThat(services).hasSizeGreaterThan(10).allSatisfy(environment -> {
            assertThat(environment.get("EVENTSHOP_POSTGRES_URL"))
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
            assertThat(environment.get("EVENTSHOP_POSTGRES_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
            assertThat(environment.get("EVENTSHOP_POSTGRES_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        });
        // from deploy/.env, required: no password in the file
        assertThat(postgres.get("POSTGRES_PASSWORD")).startsWith("${EVENTSHOP_POSTGRES_PASSWORD:?");
    }

    @Test
    void depends_only_on_services_it_defines() {
        for (var service : services.entrySet()) {
            Object dependsOn = map(service.getValue()).get("depends_on");
            if (dependsOn != null) {
                assertThat(services).as("what %s depends on", service.getKey()).containsKeys(
                        map(dependsOn).keySet().toArray(String[]::new));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> every_instance_matches_its_application() {
        return compose.instances().stream().filter(instance -> instance.application() != null)
                .map(instance -> DynamicTest.dynamicTest(instance.service(), () -> check(instance)));
    }

    @Test
    void publishes_edge_on_8080() {
        Instance edge = compose.instance("edge");

        assertThat(list(edge.definition().get("ports"))).contains("8080:" + Reactor.application("edge").port());
    }

    @Test
    void the_check_finds_a_variable_no_application_reads() {
        // the adversarial case: a misspelt variable is refused
        Application orders = Reactor.application("orders");
        Map<String, String> environment = new LinkedHashMap<>(compose.instances(orders).getFirst().environment());
        environment.put("EVENTSHOP_POSTGRES_PASSWROD", "x");

        assertThat(unread(orders, environment)).containsExactly("EVENTSHOP_POSTGRES_PASSWROD");
    }

    private void check(Instance instance) {
        Application application = instance.application();
        Map<String, String> environment = instance.environment();

        assertThat(unread(application, environment)).as("variables %s does not read", application.name()).isEmpty();

        String port = environment.get("SERVER_PORT");
        assertThat(port).as("SERVER_PORT of %s (the health check asks it)", instance.service())
                .isEqualTo(String.valueOf(application.port()));
        Object published = instance.definition().get("ports");
        if (published != null) {
            list(published).forEach(mapping -> assertThat(String.valueOf(mapping)).endsWith(":" + port));
        }

        String check = String.join(" ", list(at(instance.definition(), "healthcheck.test")).stream()
                .map(String::valueOf).toList()).replace("$${SERVER_PORT}", port);
        Matcher request = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+).*GET (\\S+) HTTP").matcher(check);
        assertThat(request.find()).as("health check of %s: %s", instance.service(), check).isTrue();
        assertThat(request.group(1)).isEqualTo(String.valueOf(application.port()));
        assertThat(HealthGroups.paths(configurationOf(application, environment))).contains(request.group(2));

        String configServer = environment.get("SPRING_CONFIG_IMPORT");
        if (configServer != null) {
            Matcher server = CONFIG_SERVER.matcher(configServer);
            assertThat(server.matches()).as("SPRING_CONFIG_IMPORT of %s", instance.service()).isTrue();
            Instance served = compose.instance("config-server");
            assertThat(served.service()).isEqualTo(server.group(1));
            assertThat(server.group(2)).isEqualTo(String.valueOf(served.application().port()));
            assertThat(map(instance.definition().get("depends_on"))).containsKey(served.service());
        }
        String eureka = environment.get("EVENTSHOP_EUREKA_URL");
        if (eureka != null) {
            Application discovery = Reactor.application("discovery");
            assertThat(eureka).isEqualTo("http://" + compose.instance("discovery").service() + ":" + discovery.port()
                    + "/eureka/");
        }
        String hostname = environment.get("EVENTSHOP_HOSTNAME");
        if (hostname != null) {
            assertThat(instance.definition().get("hostname")).as("the host name %s registers", instance.service())
                    .isEqualTo(hostname);
        }
        String bootstrap = environment.get("EVENTSHOP_KAFKA_BOOTSTRAP");
        if (bootstrap != null) {
            for (String broker : bootstrap.split(",")) {
                assertThat(services).containsKey(broker.split(":")[0]);
            }
            assertThat(bootstrap.split(",")).hasSize(3);
        }
    }

    /** The variables set that the application does not read, with the configuration those settings make it read. */
    private static Set<String> unread(Application application, Map<String, String> environment) {
        Set<String> unread = new TreeSet<>(environment.keySet());
        unread.removeAll(configurationOf(application, environment).variablesRead());
        return unread;
    }

    /**
     * The files an instance reads: its own, and, when it imports from the Config Server, what the server's native
     * backend serves it from config/ (application.yml, application-profile.yml, name.yml, name-profile.yml).
     */
    private static ConfigurationFiles configurationOf(Application application, Map<String, String> environment) {
        List<Path> files = new ArrayList<>(List.of(application.ownConfiguration()));
        if (environment.getOrDefault("SPRING_CONFIG_IMPORT", "").startsWith("configserver:")) {
            List<String> profiles = List.of(environment.getOrDefault("SPRING_PROFILES_ACTIVE", "").split(","));
            for (String name : List.of("application", application.name())) {
                files.add(Reactor.CONFIG.resolve(name + ".yml"));
                profiles.forEach(profile -> files.add(Reactor.CONFIG.resolve(name + "-" + profile.trim() + ".yml")));
            }
        }
        return new ConfigurationFiles(files.stream().filter(ConfigurationFiles::exists).toList());
    }
}
