package eventshop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.live.LiveStreams;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stopping the storefront while browsers watch live pages: every open stream is ended at once, so the web
 * server's graceful shutdown has no request in progress to wait for. Before, each open page held the stop until
 * the shutdown phase timed out (30 s by default; here it is an hour, so a stream left open would hang the test).
 */
class LiveStreamsShutdownTest {

    static final StubServices SERVICES = new StubServices();

    @AfterAll
    static void stopServices() {
        SERVICES.close();
    }

    @Test
    void stopping_endsTheOpenStreams_insteadOfWaitingForThem() throws Exception {
        // given: the web application on a real server, and a browser watching a product's availability
        SERVICES.answer("GET /api/catalog/products/SKU-1", PagesTest.product("SKU-1", "Lamp", 2500, 3));
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.lifecycle.timeout-per-shutdown-phase=1h",
                "--eventshop.security.token-secret=ZXZlbnRzaG9wLXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmc=",
                "--spring.cloud.function.definition=", "--spring.cloud.stream.function.autodetect=false"));
        for (String service : new String[] {"accounts", "catalog", "inventory", "carts", "orders", "payments", "views"}) {
            args.add("--eventshop.services." + service + ".url=" + SERVICES.url());
        }
        ConfigurableApplicationContext web = WebApplication.builder().run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) web).getWebServer().getPort();
        String token = web.getBean(EdgeTokens.class).mint(EdgeUser.ANONYMOUS);
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/products/SKU-1/live"))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("event:"); // the first render: the stream is open
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try {
                while (lines.readLine() != null) {
                    // the rest of the first event, then the end of the stream
                }
            } catch (java.io.IOException closed) {
                // a reset connection ends it too
            }
        });
        assertThat(web.getBean(LiveStreams.class).watching("sku:SKU-1")).isEqualTo(1);

        // when: the application stops (it would wait an hour for the stream were the stream left open)
        assertTimeoutPreemptively(Duration.ofSeconds(30), web::close);

        // then: the stream was ended, and the server is gone
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ended.join());
        assertThat(web.isActive()).isFalse();
    }
}
