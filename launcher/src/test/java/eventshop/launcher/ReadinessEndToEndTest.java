package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventshop.launcher.client.EdgeClient;
import eventshop.launcher.demo.DemoData;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Edge's readiness means the store is ready (issue 11, part 8): a client that starts on
 * {@code /actuator/health/readiness} finds the demo data. This needs a store of its own: the shared one is
 * ready long since and loads no demo data. The store starts as {@code ./store up} starts it (demo data on)
 * while a client polls edge's readiness; the first time edge says ready, the client looks at what it finds.
 */
class ReadinessEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    /** What the polling client saw. */
    record Seen(List<String> notReady, boolean markerWhenReady, Set<String> listedInStockWhenReady) {
    }

    @Test
    void edgeIsNotReady_untilTheDemoDataIsThere_andThenItIs() throws Exception {
        // given
        StoreConfig config = StoreConfig.standard(dataDir).withKafkaPorts(FreePorts.next(), FreePorts.next());
        for (ServiceApp app : config.apps()) {
            config = config.withPort(app.name(), FreePorts.next());
        }
        URI edge = URI.create("http://localhost:" + config.port(config.edge()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        try (StoreRuntime store = new StoreRuntime(config, new PrintStream(OutputStream.nullOutputStream()));
             ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            // a client that starts on edge's readiness
            CompletableFuture<Seen> seen = CompletableFuture.supplyAsync(() -> {
                List<String> notReady = new CopyOnWriteArrayList<>();
                await().atMost(StoreRuntime.READY_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            HttpResponse<String> readiness = send(http, edge.resolve("/actuator/health/readiness"));
                            if (readiness != null && readiness.statusCode() != 200) {
                                notReady.add(readiness.statusCode() + " " + readiness.body());
                            }
                            return readiness;
                        }, readiness -> readiness != null && readiness.statusCode() == 200);
                // ready: what does the client find?
                boolean marker = Files.exists(dataDir.resolve(DemoData.MARKER));
                HttpResponse<String> listing = send(http, edge.resolve("/api/catalog/products?size=100"));
                return new Seen(notReady, marker, inStock(listing));
            }, client);

            // when
            store.start();

            // then: while the store was starting, edge answered and said it was not ready; once it said it
            // was, the demo data was there, listed in stock
            Seen found = seen.get();
            assertThat(found.notReady()).as("edge answered 'not ready' while the demo data was loading")
                    .isNotEmpty()
                    .allSatisfy(answer -> assertThat(answer).startsWith("503").contains("OUT_OF_SERVICE"));
            assertThat(found.markerWhenReady()).as("the demo data was loaded when edge said ready").isTrue();
            assertThat(found.listedInStockWhenReady()).containsAll(
                    DemoData.PRODUCTS.stream().map(DemoData.Product::sku).toList());
            assertThat(send(http, edge.resolve("/actuator/health/readiness")).statusCode()).isEqualTo(200);
            // and a demo customer's cart takes a demo product at once (carts knew the products before ready)
            EdgeClient api = new EdgeClient(http, edge);
            DemoData.Customer alice = DemoData.CUSTOMERS.getFirst();
            String token = api.login(alice.email(), alice.password());
            EdgeClient.Response added = api.post("/api/cart/items",
                    java.util.Map.of("sku", DemoData.PRODUCTS.getLast().sku(), "quantity", 1), token);
            assertThat(added.is2xx()).as(added.toString()).isTrue();
        }
    }

    private static Set<String> inStock(HttpResponse<String> listing) {
        Set<String> skus = new HashSet<>();
        if (listing == null || listing.statusCode() != 200) {
            return skus;
        }
        JsonNode items = JSON.readTree(listing.body()).path("items");
        for (JsonNode item : items) {
            if (item.path("available").asLong(0) > 0) {
                skus.add(item.path("sku").asString());
            }
        }
        return skus;
    }

    private static HttpResponse<String> send(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException notListening) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
