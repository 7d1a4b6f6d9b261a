package eventshop.accounts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.support.TestPropertySourceUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payments as accounts calls it: {@code GET /api/payments/tokens/{token}} answers the card if the caller
 * (the subject of the relayed services token) holds it, 404 otherwise, like the real one. A token
 * {@link #FAILING} is answered with a 500 (payments failing). One stub for the shared test context.
 */
public final class PaymentsStub {

    public static final String FAILING = "tok_payments_failing";
    static final PaymentsStub INSTANCE = start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Card(String owner, String brand, String last4, int expMonth, int expYear) {
    }

    private final HttpServer server;
    private final Map<String, Card> cards = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    private PaymentsStub(HttpServer server) {
        this.server = server;
    }

    private static PaymentsStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            PaymentsStub stub = new PaymentsStub(server);
            server.createContext("/api/payments/tokens/", stub::handle);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A card payments tokenized for {@code owner}. */
    public static void card(String owner, String token, String brand, String last4, int expMonth, int expYear) {
        INSTANCE.cards.put(token, new Card(owner, brand, last4, expMonth, expYear));
    }

    /** How many look-ups payments has answered (or failed). */
    public static int lookups() {
        return INSTANCE.lookups.get();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            lookups.incrementAndGet();
            String token = exchange.getRequestURI().getPath().substring("/api/payments/tokens/".length());
            if (FAILING.equals(token)) {
                respond(exchange, 500, "{\"type\":\"/problems/internal-error\",\"status\":500}");
                return;
            }
            Card card = cards.get(token);
            String caller = subject(exchange.getRequestHeaders().getFirst("Authorization"));
            if (card == null || !card.owner().equals(caller)) {
                respond(exchange, 404, "{\"type\":\"/problems/card-not-found\",\"title\":\"Card not found\","
                        + "\"status\":404}");
                return;
            }
            respond(exchange, 200, JSON.writeValueAsString(Map.of("token", token, "brand", card.brand(),
                    "last4", card.last4(), "expMonth", card.expMonth(), "expYear", card.expYear(),
                    "createdAt", "2026-01-01T00:00:00Z")));
        }
    }

    /** The subject of the bearer token the request carries (the stub trusts the caller's signature check). */
    private static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        return claims.path("sub").asString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Points the test context's accounts at this stub. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertySourceUtils.addInlinedPropertiesToEnvironment(context,
                    "eventshop.services.payments.url=" + INSTANCE.url());
        }
    }
}
