package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * Least exposure in the embedded topology (issue 17, item 8), on the running {@link SharedStore}: only edge, the
 * store's door, listens beyond the loopback interface; every service, web, the functions, the views and the Kafka
 * broker listen on 127.0.0.1 only. Read from each context's Tomcat connectors (the address each was bound to), and
 * tried from this host's own non-loopback addresses (what another host on that network would reach).
 */
class LeastExposureTest {

    private static final SharedStore shop = SharedStore.get();

    @Test
    void everyApplicationButEdge_isBoundToTheLoopback_edgeToEveryInterface() {
        StoreConfig config = shop.store.config();
        for (ServiceApp app : config.apps()) {
            List<Connector> connectors = connectors(app);
            assertThat(connectors).as(app.name()).isNotEmpty();
            for (Connector connector : connectors) {
                InetAddress bound = ((AbstractProtocol<?>) connector.getProtocolHandler()).getAddress();
                assertThat(connector.getLocalPort()).as(app.name()).isEqualTo(config.port(app));
                if (app.kind() == ServiceApp.Kind.EDGE) {
                    assertThat(bound).as("edge's address: none is every interface").isNull();
                } else {
                    assertThat(bound).as(app.name() + "'s address").isNotNull()
                            .satisfies(address -> assertThat(address.isLoopbackAddress()).as(app.name() + " on " + address)
                                    .isTrue());
                }
            }
        }
    }

    @Test
    void fromThisHostsOtherAddresses_onlyEdgeAnswers() throws IOException {
        StoreConfig config = shop.store.config();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (ServiceApp app : config.apps()) {
            ports.put(app.name(), config.port(app));
        }
        ports.put("the Kafka broker", config.kafkaPort());
        ports.put("the Kafka controller", config.controllerPort());

        List<InetAddress> addresses = nonLoopbackAddresses();
        for (InetAddress address : addresses) {
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                boolean answers = connects(address, port.getValue());
                assertThat(answers).as("%s on %s:%d", port.getKey(), address.getHostAddress(), port.getValue())
                        .isEqualTo(port.getKey().equals(config.edge().name()));
            }
        }
        // and over the loopback every one answers: the refusals above are the binding, not a store that is down
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            assertThat(connects(InetAddress.getLoopbackAddress(), port.getValue())).as(port.getKey()).isTrue();
        }
    }

    private static List<Connector> connectors(ServiceApp app) {
        WebServer server = ((WebServerApplicationContext) shop.store.context(app.name())).getWebServer();
        assertThat(server).as(app.name()).isInstanceOf(TomcatWebServer.class);
        return Arrays.asList(((TomcatWebServer) server).getTomcat().getService().findConnectors());
    }

    /** This host's addresses other hosts could reach it on (not loopback, not link-local: a scope of their own). */
    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface network : NetworkInterface.networkInterfaces().toList()) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            network.inetAddresses().filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress()
                    && !(address instanceof Inet6Address && address.isAnyLocalAddress())).forEach(addresses::add);
        }
        return addresses;
    }

    private static boolean connects(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }
}
