package eventshop.deploy;

import static eventshop.deploy.ConfigurationFiles.list;
import static eventshop.deploy.ConfigurationFiles.map;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** deploy/compose.yaml, parsed (YAML anchors and merge keys resolved), and which of its services runs what. */
final class ComposeFile {

    static final Path FILE = Reactor.DEPLOY.resolve("compose.yaml");

    /** A service of the compose file, and the application whose image it runs (null: none of them). */
    record Instance(String service, Map<String, Object> definition, Reactor.Application application) {

        String image() {
            return String.valueOf(definition.get("image"));
        }

        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            Object declared = definition.get("environment");
            if (declared instanceof Map<?, ?> variables) {
                variables.forEach((name, value) -> environment.put(String.valueOf(name), String.valueOf(value)));
            } else if (declared != null) {
                list(declared).forEach(variable -> {
                    String[] parts = String.valueOf(variable).split("=", 2);
                    environment.put(parts[0], parts.length > 1 ? parts[1] : "");
                });
            }
            return environment;
        }

        @Override
        public String toString() {
            return service;
        }
    }

    private final Map<String, Object> services = map(ConfigurationFiles.documents(FILE).getFirst().get("services"));

    Map<String, Object> services() {
        return services;
    }

    /** Every service. */
    List<Instance> instances() {
        List<Instance> instances = new ArrayList<>();
        for (var service : services.entrySet()) {
            Map<String, Object> definition = map(service.getValue());
            Reactor.Application application = Reactor.applications().stream()
                    .filter(candidate -> candidate.image().equals(definition.get("image"))).findFirst().orElse(null);
            instances.add(new Instance(service.getKey(), definition, application));
        }
        return instances;
    }

    /** The services that run an application's image. */
    List<Instance> instances(Reactor.Application application) {
        return instances().stream().filter(instance -> application.equals(instance.application())).toList();
    }

    /** The service that runs an application's image, which runs once. */
    Instance instance(String application) {
        List<Instance> instances = instances(Reactor.application(application));
        if (instances.size() != 1) {
            throw new AssertionError(application + " runs " + instances.size() + " times in " + FILE);
        }
        return instances.getFirst();
    }
}
