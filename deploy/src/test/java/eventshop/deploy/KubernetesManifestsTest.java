package eventshop.deploy;

import static eventshop.deploy.ConfigurationFiles.at;
import static eventshop.deploy.ConfigurationFiles.list;
import static eventshop.deploy.ConfigurationFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import eventshop.deploy.Reactor.Application;

/**
 * deploy/k8s against the applications: a Deployment and a Service per application, on its port, running its image
 * as the images' user, with only environment variables it reads, configuration from the ConfigMap made of config/,
 * secrets from the Secret of secret.example.yaml, and probes on health groups it has.
 */
class KubernetesManifestsTest {

    /**
     * What Kubernetes itself does in this topology: services find each other through its DNS (the profile
     * kubernetes), not the Eureka registry, and read config/ from a ConfigMap, not from the Config Server.
     */
    static final Set<String> REPLACED_BY_KUBERNETES = Set.of("discovery", "config-server");

    private final KubernetesManifests manifests = KubernetesManifests.load();

    @Test
    void deploys_every_application_but_what_kubernetes_replaces() {
        for (Application application : Reactor.applications()) {
            if (REPLACED_BY_KUBERNETES.contains(application.name())) {
                assertThat(manifests.deploymentOf(application)).as("a Deployment of %s", application.name()).isNull();
            } else {
                assertThat(manifests.deploymentOf(application)).as("the Deployment of %s", application.name())
                        .isNotNull();
            }
        }
        assertThat(Reactor.applications().stream().map(Application::name))
                .as("every application that Kubernetes replaces is one of the reactor")
                .containsAll(REPLACED_BY_KUBERNETES);
    }

    @Test
    void scales_carts_and_orders_out() {
        assertThat(manifests.replicas("carts")).isEqualTo(2);
        assertThat(manifests.replicas("orders")).isEqualTo(2);
        assertThat(manifests.replicas("edge")).isEqualTo(1);
    }

    @Test
    void runs_three_brokers_that_keep_three_replicas_two_in_sync() {
        Map<String, Object> kafka = manifests.named("StatefulSet", "kafka");
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object variable : list(KubernetesManifests.containers(kafka).getFirst().get("env"))) {
            environment.put(String.valueOf(map(variable).get("name")), String.valueOf(map(variable).get("value")));
        }
        String bootstrap = manifests.configMaps().get("eventshop-environment").literals().get("EVENTSHOP_KAFKA_BOOTSTRAP");

        assertThat(at(kafka, "spec.replicas")).isEqualTo(3);
        assertThat(environment).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2");
        assertThat(bootstrap).isEqualTo("kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092");
        assertThat(manifests.named("Service", String.valueOf(at(kafka, "spec.serviceName")))).isNotNull();
    }

    @Test
    void the_database_is_the_one_the_services_are_told() {
        Map<String, Object> postgres = manifests.named("StatefulSet", "postgres");
        Map<String, Object> environment = new LinkedHashMap<>();
        for (Object variable : list(KubernetesManifests.containers(postgres).getFirst().get("env"))) {
            environment.put(String.valueOf(map(variable).get("name")), map(variable).get("value"));
        }
        Map<String, String> services = manifests.configMaps().get("eventshop-environment").literals();

        assertThat(services.get("EVENTSHOP_POSTGRES_URL"))
                .isEqualTo("jdbc:postgresql://postgres:5432/" + environment.get("POSTGRES_DB"));
        assertThat(manifests.named("Service", "postgres")).isNotNull();
        assertThat(services.get("EVENTSHOP_POSTGRES_USER")).isEqualTo(environment.get("POSTGRES_USER"));
    }

    @Test
    void the_services_the_kubernetes_profile_calls_exist_on_their_ports() {
        ConfigurationFiles kubernetes = new ConfigurationFiles(List.of(Reactor.CONFIG.resolve("application-kubernetes.yml")));
        List<String> urls = kubernetes.properties().values().stream().map(String::valueOf)
                .filter(value -> value.startsWith("http://")).toList();

        assertThat(urls).isNotEmpty();
        for (String url : urls) {
            URI uri = URI.create(url);
            Map<String, Object> service = manifests.named("Service", uri.getHost());
            assertThat(service).as("the Service behind %s", url).isNotNull();
            assertThat(list(at(service, "spec.ports")).stream().map(port -> map(port).get("port")))
                    .as("ports of the Service %s", uri.getHost()).contains(uri.getPort());
        }
    }

    @Test
    void the_config_map_is_every_file_of_config() {
        KubernetesManifests.GeneratedConfigMap config = manifests.configMaps().get("eventshop-config");

        assertThat(config.files()).containsExactlyInAnyOrderElementsOf(Reactor.configFiles());
    }

    @Test
    void the_secret_is_a_template_kept_out_of_the_build() {
        Map<String, Object> secret = ConfigurationFiles.documents(KubernetesManifests.KUSTOMIZATION
                .resolve("secret.example.yaml")).getFirst();

        assertThat(manifests.ofKind("Secret")).isEmpty();
        assertThat(map(secret.get("stringData")).values()).allMatch("REPLACE-ME"::equals);
    }

    @TestFactory
    Stream<DynamicTest> every_deployment_matches_its_application() {
        return Reactor.applications().stream().filter(application -> manifests.deploymentOf(application) != null)
                .map(application -> DynamicTest.dynamicTest(application.name(), () -> check(application)));
    }

    @Nested
    class Refuses {

        @Test
        void a_variable_the_application_does_not_read() {
            Application catalog = Reactor.application("catalog");
            Map<String, String> environment = new LinkedHashMap<>(manifests.environmentOf(catalog));
            environment.put("EVENTSHOP_ADMIN_PASSWORD", "x");   // accounts reads it, catalog does not

            assertThat(unread(catalog, environment)).containsExactly("EVENTSHOP_ADMIN_PASSWORD");
        }

        @Test
        void a_probe_on_a_group_that_does_not_exist() {
            Application catalog = Reactor.application("catalog");

            assertThat(HealthGroups.paths(manifests.configurationOf(catalog, manifests.environmentOf(catalog))))
                    .contains("/actuator/health/readiness").doesNotContain("/actuator/health/startup");
        }
    }

    private void check(Application application) {
        Map<String, Object> deployment = manifests.deploymentOf(application);
        Map<String, Object> container = KubernetesManifests.containers(deployment).stream()
                .filter(candidate -> application.image().equals(candidate.get("image"))).findFirst().orElseThrow();

        // the name, the port, the Service: the URLs of the profile kubernetes are http://<name>:<port>
        assertThat(at(deployment, "metadata.name")).isEqualTo(application.name());
        Map<String, Object> port = map(list(container.get("ports")).getFirst());
        assertThat(port.get("containerPort")).isEqualTo(application.port());
        Map<String, Object> service = manifests.named("Service", application.name());
        assertThat(service).as("the Service of %s", application.name()).isNotNull();
        Map<String, Object> servicePort = map(list(at(service, "spec.ports")).getFirst());
        assertThat(servicePort.get("port")).isEqualTo(application.port());
        assertThat(servicePort.get("targetPort")).isIn(port.get("name"), application.port());
        assertThat(map(at(service, "spec.selector")))
                .isEqualTo(map(at(deployment, "spec.template.metadata.labels")));

        // the images' user, not root
        assertThat(at(deployment, "spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(((Number) at(deployment, "spec.template.spec.securityContext.runAsUser")).longValue())
                .isEqualTo(Reactor.Images.uid());

        // only variables it reads
        Map<String, String> environment = manifests.environmentOf(application);
        assertThat(unread(application, environment)).as("variables %s does not read", application.name()).isEmpty();
        assertThat(environment).containsKeys("SPRING_PROFILES_ACTIVE", "SPRING_CONFIG_IMPORT");
        assertThat(environment.get("SPRING_PROFILES_ACTIVE").split(",")).contains("kubernetes");

        // its configuration from the ConfigMap of config/
        List<Path> imported = manifests.importedFiles(application, environment);
        assertThat(imported).as("files %s imports", application.name()).isNotEmpty()
                .allMatch(file -> manifests.configMaps().get("eventshop-config").files().contains(file)
                        || !ConfigurationFiles.exists(file));
        for (String profile : environment.get("SPRING_PROFILES_ACTIVE").split(",")) {
            assertThat(imported).contains(Reactor.CONFIG.resolve("application-" + profile + ".yml"));
        }

        // secrets from the Secret
        Map<String, Object> secret = ConfigurationFiles.documents(KubernetesManifests.KUSTOMIZATION
                .resolve("secret.example.yaml")).getFirst();
        for (Object variable : list(container.get("env"))) {
            Object reference = at(map(variable), "valueFrom.secretKeyRef");
            if (reference != null) {
                assertThat(map(reference).get("name")).isEqualTo(at(secret, "metadata.name"));
                assertThat(map(secret.get("stringData"))).containsKey(String.valueOf(map(reference).get("key")));
            }
        }

        // probes on the health groups it has, on its port
        Set<String> health = HealthGroups.paths(manifests.configurationOf(application, environment));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            Map<String, Object> get = map(at(map(container.get(probe)), "httpGet"));
            assertThat(health).as("%s of %s", probe, application.name()).contains(String.valueOf(get.get("path")));
            assertThat(get.get("port")).isIn(port.get("name"), application.port());
        }
        assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
    }

    private Set<String> unread(Application application, Map<String, String> environment) {
        Set<String> unread = new TreeSet<>(environment.keySet());
        unread.removeAll(manifests.configurationOf(application, environment).variablesRead());
        return unread;
    }
}
