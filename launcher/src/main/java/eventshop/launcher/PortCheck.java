package eventshop.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/** A port in use is the most likely failure of a start: this says which one and what for, before anything starts. */
final class PortCheck {

    private PortCheck() {
    }

    /**
     * @throws StoreStartException if a port is configured twice or cannot be bound on the loopback address
     */
    static void checkFree(StoreConfig config) {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(config.kafkaPort(), "the Kafka broker (--kafka-port)");
        ports.put(config.controllerPort(), "the Kafka controller (--controller-port)");
        for (ServiceApp app : config.apps()) {
            String before = ports.putIfAbsent(config.port(app), app.name() + " (--port " + app.name() + "=N)");
            if (before != null) {
                throw new StoreStartException("port " + config.port(app) + " is configured twice: for " + before
                        + " and for " + app.name());
            }
        }
        for (Map.Entry<Integer, String> port : ports.entrySet()) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getKey()));
            } catch (IOException e) {
                throw new StoreStartException("port " + port.getKey() + " for " + port.getValue()
                        + " is in use (" + e.getMessage() + "). Is a store already running? Stop it, or choose another port.");
            }
        }
    }
}
