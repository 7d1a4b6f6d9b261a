package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * tried from this host's own non-loopback addresses (what another host on that network would reach). And at every
 * application the actuator beyond health is the admin's only: a scraper sends the token {@code store token} prints.
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

    @Test
    void theActuatorBeyondHealth_isTheAdmins_atEveryApplication_aScraperUsesTheTokenStoreTokenPrints() throws Exception {
        // given: what `store token --data DIR` prints for a scraper
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(Store.run(new String[] {"token", "--data", shop.dataDir.toString(), "--hours", "1"},
                new PrintStream(printed, true, StandardCharsets.UTF_8), System.err)).isZero();
        String scraper = printed.toString(StandardCharsets.UTF_8).strip();
        String customer = shop.tokens.mint(eventshop.eventsourcing.security.EdgeUser.customer("acc-nosy", "nosy@example.com"));
        HttpClient http = HttpClient.newHttpClient();

        for (ServiceApp app : shop.store.config().services()) {
            URI base = shop.store.url(app.name());
            assertThat(status(http, base.resolve("/actuator/health/readiness"), null)).as(app.name()).isEqualTo(200);
            for (String endpoint : List.of("/actuator/prometheus", "/actuator/info")) {
                URI uri = base.resolve(endpoint);
                assertThat(status(http, uri, null)).as("%s without a token", uri).isEqualTo(401);
                assertThat(status(http, uri, customer)).as("%s for a customer", uri).isEqualTo(403);
            }
            assertThat(status(http, base.resolve("/actuator/prometheus"), scraper)).as(app.name()).isEqualTo(200);
        }
        // edge, the door: health for anyone, info only for an admin's session
        URI edge = shop.store.edgeUrl();
        assertThat(status(http, edge.resolve("/actuator/health/liveness"), null)).isEqualTo(200);
        assertThat(status(http, edge.resolve("/actuator/info"), null)).isEqualTo(401);
        assertThat(status(http, edge.resolve("/actuator/info"), shop.session(new eventshop.eventsourcing.security.EdgeUser(
                "acc-nosy", "nosy@example.com", java.util.Set.of(eventshop.edgetoken.EdgeToken.CUSTOMER))))).isEqualTo(403);
        assertThat(status(http, edge.resolve("/actuator/info"), shop.admin)).isEqualTo(200);
        // and its metrics for a scraper's services token, as at the services; a session token is not one
        URI edgeMetrics = edge.resolve("/actuator/prometheus");
        assertThat(status(http, edgeMetrics, null)).isEqualTo(401);
        assertThat(status(http, edgeMetrics, customer)).isEqualTo(403);
        assertThat(status(http, edgeMetrics, shop.admin)).isEqualTo(401);
        HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(edgeMetrics)
                .header("Authorization", "Bearer " + scraper).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("edge_checkouts_limit", "edge_checkouts_in_flight");
    }

    private static int status(HttpClient http, URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
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
