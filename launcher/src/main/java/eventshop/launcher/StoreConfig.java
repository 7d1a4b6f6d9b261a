package eventshop.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link StoreRuntime} starts and where.
 *
 * @param dataDir              the data directory: broker log, one directory per service, secrets
 * @param fresh                delete everything in the data directory before starting
 * @param kafkaPort            the broker's client port (9092)
 * @param controllerPort       the broker's KRaft controller port (9093)
 * @param ports                HTTP ports by application name, for those not on their default port
 * @param demoData             load the demo data at the first start (a marker file remembers it)
 * @param adminPasswordFromEnv {@code EVENTSHOP_ADMIN_PASSWORD}, or null to generate one
 * @param services             the event-sourced services, in start order
 * @param edge                 the front door, started last
 * @param properties           more properties for every context (highest precedence)
 */
public record StoreConfig(Path dataDir, boolean fresh, int kafkaPort, int controllerPort, Map<String, Integer> ports,
        boolean demoData, String adminPasswordFromEnv, List<ServiceApp> services, ServiceApp edge,
        Map<String, String> properties) {

    public static final int KAFKA_PORT = 9092;
    public static final int CONTROLLER_PORT = 9093;

    public StoreConfig {
        dataDir = dataDir.toAbsolutePath().normalize();
        ports = Map.copyOf(ports);
        services = List.copyOf(services);
        properties = Map.copyOf(properties);
    }

    /** The standard store ({@link Topology#services()}, {@link Topology#edge()}) over {@code dataDir}. */
    public static StoreConfig standard(Path dataDir) {
        return of(dataDir, Topology.services(), Topology.edge());
    }

    /** These applications over {@code dataDir}, on their default ports, with the demo data. */
    public static StoreConfig of(Path dataDir, List<ServiceApp> services, ServiceApp edge) {
        return new StoreConfig(dataDir, false, KAFKA_PORT, CONTROLLER_PORT, Map.of(), true, null, services, edge,
                Map.of());
    }

    /** The HTTP port of {@code app}. */
    public int port(ServiceApp app) {
        return ports.getOrDefault(app.name(), app.defaultPort());
    }

    /** Where {@code app} answers: {@code http://localhost:<port>}. */
    public URI url(ServiceApp app) {
        return URI.create("http://localhost:" + port(app));
    }

    public StoreConfig withFresh(boolean fresh) {
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, ports, demoData, adminPasswordFromEnv,
                services, edge, properties);
    }

    public StoreConfig withKafkaPorts(int kafkaPort, int controllerPort) {
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, ports, demoData, adminPasswordFromEnv,
                services, edge, properties);
    }

    public StoreConfig withPort(String app, int port) {
        Map<String, Integer> changed = new LinkedHashMap<>(ports);
        changed.put(app, port);
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, changed, demoData, adminPasswordFromEnv,
                services, edge, properties);
    }

    public StoreConfig withDemoData(boolean demoData) {
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, ports, demoData, adminPasswordFromEnv,
                services, edge, properties);
    }

    public StoreConfig withAdminPasswordFromEnv(String adminPasswordFromEnv) {
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, ports, demoData, adminPasswordFromEnv,
                services, edge, properties);
    }

    public StoreConfig withApps(List<ServiceApp> services, ServiceApp edge) {
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, ports, demoData, adminPasswordFromEnv,
                services, edge, properties);
    }

    public StoreConfig withProperty(String key, String value) {
        Map<String, String> changed = new LinkedHashMap<>(properties);
        changed.put(key, value);
        return new StoreConfig(dataDir, fresh, kafkaPort, controllerPort, ports, demoData, adminPasswordFromEnv,
                services, edge, changed);
    }

    /** Every application, edge last. */
    public List<ServiceApp> apps() {
        return java.util.stream.Stream.concat(services.stream(), java.util.stream.Stream.of(edge)).toList();
    }
}
