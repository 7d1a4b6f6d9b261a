package eventshop.deploy;

import static eventshop.deploy.ConfigurationFiles.at;
import static eventshop.deploy.ConfigurationFiles.list;
import static eventshop.deploy.ConfigurationFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * deploy/k8s as Kustomize builds it, without Kustomize: the resources its kustomization.yaml lists (a directory
 * is another kustomization, read the same way) and the ConfigMaps its generators make.
 */
final class KubernetesManifests {

    static final Path KUSTOMIZATION = Reactor.DEPLOY.resolve("k8s");

    /** A ConfigMap a configMapGenerator makes: its literals, or the files it takes. */
    record GeneratedConfigMap(String name, Map<String, String> literals, List<Path> files) {
    }

    private final List<Map<String, Object>> resources = new ArrayList<>();

    private final Map<String, GeneratedConfigMap> configMaps = new LinkedHashMap<>();

    private KubernetesManifests() {
    }

    static KubernetesManifests load() {
        KubernetesManifests manifests = new KubernetesManifests();
        manifests.read(KUSTOMIZATION);
        return manifests;
    }

    List<Map<String, Object>> resources() {
        return resources;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return resources.stream().filter(resource -> kind.equals(resource.get("kind"))).toList();
    }

    Map<String, GeneratedConfigMap> configMaps() {
        return configMaps;
    }

    /** The Deployment that runs an application's image, if any. */
    Map<String, Object> deploymentOf(Reactor.Application application) {
        return ofKind("Deployment").stream()
                .filter(deployment -> containers(deployment).stream()
                        .anyMatch(container -> application.image().equals(container.get("image"))))
                .findFirst().orElse(null);
    }

    int replicas(String application) {
        Map<String, Object> deployment = deploymentOf(Reactor.application(application));
        return deployment == null ? 0 : ((Number) at(deployment, "spec.replicas")).intValue();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(resource -> name.equals(at(resource, "metadata.name"))).findFirst()
                .orElse(null);
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return list(at(workload, "spec.template.spec.containers")).stream().map(ConfigurationFiles::map).toList();
    }

    /** A Deployment's variables: its own, and those of the ConfigMaps it takes whole (envFrom). */
    Map<String, String> environmentOf(Reactor.Application application) {
        Map<String, Object> container = containers(deploymentOf(application)).getFirst();
        Map<String, String> environment = new LinkedHashMap<>();
        Object from = container.get("envFrom");
        for (Object source : from == null ? List.of() : list(from)) {
            String name = String.valueOf(at(map(source), "configMapRef.name"));
            KubernetesManifests.GeneratedConfigMap configMap = configMaps().get(name);
            assertThat(configMap).as("the ConfigMap %s", name).isNotNull();
            environment.putAll(configMap.literals());
        }
        Object variables = container.get("env");
        for (Object variable : variables == null ? List.of() : list(variables)) {
            Map<String, Object> definition = map(variable);
            Object value = definition.get("value");
            environment.put(String.valueOf(definition.get("name")), value == null ? "(from " + definition.get("valueFrom")
                    + ")" : String.valueOf(value));
        }
        return environment;
    }

    /** The files of config/ that SPRING_CONFIG_IMPORT names, through the volume that mounts the ConfigMap. */
    List<Path> importedFiles(Reactor.Application application, Map<String, String> environment) {
        String mountPath = mountOfConfig(application);
        List<Path> files = new ArrayList<>();
        for (String location : environment.getOrDefault("SPRING_CONFIG_IMPORT", "").split(",")) {
            String path = location.trim().replaceFirst("^optional:", "").replaceFirst("^file:", "");
            assertThat(path).as("an import of %s from the ConfigMap", application.name()).startsWith(mountPath + "/");
            files.add(Reactor.CONFIG.resolve(path.substring(mountPath.length() + 1)));
        }
        return files;
    }

    /** Where the Deployment mounts the ConfigMap of config/. */
    String mountOfConfig(Reactor.Application application) {
        Map<String, Object> deployment = deploymentOf(application);
        String volume = list(at(deployment, "spec.template.spec.volumes")).stream().map(ConfigurationFiles::map)
                .filter(candidate -> "eventshop-config".equals(at(candidate, "configMap.name")))
                .map(candidate -> String.valueOf(candidate.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(application.name() + " mounts no ConfigMap eventshop-config"));
        Map<String, Object> container = containers(deployment).getFirst();
        return list(container.get("volumeMounts")).stream().map(ConfigurationFiles::map)
                .filter(mount -> volume.equals(mount.get("name"))).map(mount -> String.valueOf(mount.get("mountPath")))
                .findFirst().orElseThrow(() -> new AssertionError(application.name() + " does not mount " + volume));
    }

    /** Its own file, the imported ones and, as Spring Boot adds them, their variants for the active profiles. */
    ConfigurationFiles configurationOf(Reactor.Application application, Map<String, String> environment) {
        List<Path> files = new ArrayList<>(List.of(application.ownConfiguration()));
        for (Path imported : importedFiles(application, environment)) {
            files.add(imported);
            String name = imported.getFileName().toString().replaceFirst("\\.yml$", "");
            for (String profile : environment.getOrDefault("SPRING_PROFILES_ACTIVE", "").split(",")) {
                files.add(imported.resolveSibling(name + "-" + profile.trim() + ".yml"));
            }
        }
        return new ConfigurationFiles(files.stream().filter(ConfigurationFiles::exists).distinct().toList());
    }

    private void read(Path directory) {
        Map<String, Object> kustomization = ConfigurationFiles.documents(directory.resolve("kustomization.yaml"))
                .getFirst();
        Object listed = kustomization.get("resources");
        for (Object resource : listed == null ? List.of() : list(listed)) {
            Path path = directory.resolve(String.valueOf(resource)).normalize();
            if (Files.isDirectory(path)) {
                read(path);
            } else {
                resources.addAll(ConfigurationFiles.documents(path));
            }
        }
        Object generators = kustomization.get("configMapGenerator");
        for (Object generator : generators == null ? List.of() : list(generators)) {
            Map<String, Object> definition = map(generator);
            Map<String, String> literals = new LinkedHashMap<>();
            Object declared = definition.get("literals");
            for (Object literal : declared == null ? List.of() : list(declared)) {
                String[] parts = String.valueOf(literal).split("=", 2);
                literals.put(parts[0], parts[1]);
            }
            Object files = definition.get("files");
            List<Path> paths = files == null ? List.of()
                    : list(files).stream().map(file -> directory.resolve(String.valueOf(file)).normalize()).toList();
            String name = String.valueOf(definition.get("name"));
            configMaps.put(name, new GeneratedConfigMap(name, literals, paths));
        }
    }
}
