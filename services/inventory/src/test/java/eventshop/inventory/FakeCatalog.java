package eventshop.inventory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The catalog's product look-up ({@code GET /api/catalog/products/{sku}}) over real HTTP, for the tests
 * of inventory alone (the end-to-end tests use the real catalog): it knows the skus a test {@link #add}s
 * and answers 404 for any other, or 500 to everything while {@link #failing}. Started once per test JVM;
 * as a context initializer it points {@code eventshop.services.catalog.url} at itself.
 */
public final class FakeCatalog implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Map<String, Boolean> PRODUCTS = new ConcurrentHashMap<>();
    private static volatile boolean failing;
    private static HttpServer server;

    /** The catalog knows {@code sku} from now on (discontinued or not). */
    public static void add(String sku, boolean discontinued) {
        PRODUCTS.put(sku, discontinued);
    }

    public static void add(String sku) {
        add(sku, false);
    }

    /** While true, every look-up answers 500. */
    public static void failing(boolean failing) {
        FakeCatalog.failing = failing;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of("eventshop.services.catalog.url=http://localhost:" + port()).applyTo(context);
    }

    private static synchronized int port() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/api/catalog/products/", FakeCatalog::answer);
            server.start();
        }
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String sku = exchange.getRequestURI().getPath().substring("/api/catalog/products/".length());
        Boolean discontinued = PRODUCTS.get(sku);
        if (failing) {
            send(exchange, 500, "application/problem+json", "{\"type\":\"/problems/internal-error\",\"status\":500}");
        } else if (discontinued == null) {
            send(exchange, 404, "application/problem+json", "{\"type\":\"/problems/unknown-product\",\"status\":404,"
                    + "\"detail\":\"there is no product " + sku + "\"}");
        } else {
            send(exchange, 200, "application/json", "{\"sku\":\"" + sku + "\",\"name\":\"A product\",\"description\":"
                    + "\"over\\nlines\",\"priceCents\":100,\"available\":0,\"imageUrl\":\"\",\"discontinued\":"
                    + discontinued + "}");
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
