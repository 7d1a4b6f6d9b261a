package eventshop.launcher;

import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * One Spring application the launcher runs as its own context in the store's JVM.
 *
 * @param name        the service's name: its config name, its data directory {@code <data>/<name>/},
 *                    its column in the log, and its key in {@code --port name=N}
 * @param defaultPort the HTTP port it listens on unless configured otherwise
 * @param kind        an event-sourced {@link Kind#SERVICE} (event store, read-model database, Kafka)
 *                    or the {@link Kind#EDGE} (routes to the services)
 * @param builder     a fresh builder for the application ({@code XApplication::builder})
 */
public record ServiceApp(String name, int defaultPort, Kind kind, Supplier<SpringApplicationBuilder> builder) {

    /** What the launcher must give the application. */
    public enum Kind {
        SERVICE,
        EDGE
    }

    public static ServiceApp service(String name, int defaultPort, Supplier<SpringApplicationBuilder> builder) {
        return new ServiceApp(name, defaultPort, Kind.SERVICE, builder);
    }

    public static ServiceApp edge(int defaultPort, Supplier<SpringApplicationBuilder> builder) {
        return new ServiceApp("edge", defaultPort, Kind.EDGE, builder);
    }
}
