package eventshop.deploy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The actuator health paths an application answers on, from its configuration: {@code /actuator/health} when the
 * health endpoint is exposed over HTTP, {@code /liveness} and {@code /readiness} when the probes are on
 * ({@code management.endpoint.health.probes.enabled}), and every group the files declare.
 */
final class HealthGroups {

    private HealthGroups() {
    }

    static Set<String> paths(ConfigurationFiles configuration) {
        Map<String, Object> properties = configuration.properties();
        Set<String> paths = new TreeSet<>();
        Object exposure = properties.get("management.endpoints.web.exposure.include");
        boolean exposed = exposure == null || Arrays.stream(String.valueOf(exposure).split(","))
                .map(String::trim).anyMatch(id -> id.equals("health") || id.equals("*"));
        if (!exposed) {
            return paths;
        }
        paths.add("/actuator/health");
        if (Boolean.TRUE.equals(properties.get("management.endpoint.health.probes.enabled"))) {
            paths.add("/actuator/health/liveness");
            paths.add("/actuator/health/readiness");
        }
        String groups = "management.endpoint.health.group.";
        properties.keySet().stream().filter(key -> key.startsWith(groups))
                .map(key -> key.substring(groups.length()).split("\\.")[0])
                .forEach(group -> paths.add("/actuator/health/" + group));
        return paths;
    }
}
