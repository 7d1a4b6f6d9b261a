package eventshop.carts.cart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Payments' {@code GET /api/payments/tokens/{token}} as a stub HTTP server: a card of the caller (the
 * subject of the relayed services token) is 200 with its expiry, anything else 404, as payments answers;
 * {@link #failWith} makes it answer a server error instead. {@link #EVERYONES} is each caller's own card.
 * It also plays accounts' {@code GET /internal/privacy/keys/{subject}} (a data subject's key, docs/privacy.md): a key
 * derived from the subject, for a caller with the {@code SERVICE} role; {@link #forget} makes a subject's 410.
 */
final class PaymentsStub implements AutoCloseable {

    /** A token every customer holds (so tests that are not about cards need not tokenize one). */
    static final String EVERYONES = "tok_visa4242abcdef";

    record Card(String owner, int expMonth, int expYear) {
    }

    private static final Pattern PATH = Pattern.compile("/api/payments/tokens/([^/]+)");
    private static final Pattern KEY_PATH = Pattern.compile("/internal/privacy/keys/([^/?]+)");
    private final java.util.Set<String> forgotten = ConcurrentHashMap.newKeySet();
    private static final Pattern SUBJECT = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final Map<String, Card> cards = new ConcurrentHashMap<>();
    private final AtomicInteger failure = new AtomicInteger();
    /** The subject of the services token each request carried ("" for none). */
    final ConcurrentLinkedQueue<String> callers = new ConcurrentLinkedQueue<>();

    private PaymentsStub(HttpServer server) {
        this.server = server;
    }

    static PaymentsStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            PaymentsStub stub = new PaymentsStub(server);
            server.createContext("/", stub::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void card(String token, String owner, int expMonth, int expYear) {
        cards.put(token, new Card(owner, expMonth, expYear));
    }

    /** Answers {@code status} (0: normally again) to every request. */
    void failWith(int status) {
        failure.set(status);
    }

    /** Accounts forgot {@code subject}: its key is gone (410). */
    void forget(String subject) {
        forgotten.add(subject);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String caller = subject(exchange.getRequestHeaders().getFirst("Authorization"));
        Matcher key = KEY_PATH.matcher(exchange.getRequestURI().getRawPath());
        if (key.matches() && failure.get() == 0) {
            if (!caller.startsWith("service:")) {
                answer(exchange, 403, "application/problem+json", "{\"status\":403}");
            } else if (forgotten.contains(key.group(1))) {
                answer(exchange, 410, "application/problem+json", "{\"status\":410}");
            } else {
                byte[] bytes;
                try {
                    bytes = java.security.MessageDigest.getInstance("SHA-256")
                            .digest(("test-key/" + key.group(1)).getBytes(StandardCharsets.UTF_8));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                answer(exchange, 200, "application/json", "{\"subject\":\"" + key.group(1) + "\",\"key\":\""
                        + Base64.getEncoder().encodeToString(bytes) + "\"}");
            }
            return;
        }
        callers.add(caller);
        if (failure.get() != 0) {
            answer(exchange, failure.get(), "application/problem+json",
                    "{\"type\":\"/problems/internal-error\",\"status\":" + failure.get() + "}");
            return;
        }
        Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
        Card card = !path.matches() ? null : EVERYONES.equals(path.group(1)) ? new Card(caller, 12, 2099)
                : cards.get(path.group(1));
        if (!"GET".equals(exchange.getRequestMethod()) || card == null || !card.owner().equals(caller)) {
            answer(exchange, 404, "application/problem+json",
                    "{\"type\":\"/problems/card-not-found\",\"title\":\"Card not found\",\"status\":404}");
            return;
        }
        answer(exchange, 200, "application/json", "{\"token\":\"" + path.group(1) + "\",\"brand\":\"VISA\","
                + "\"last4\":\"4242\",\"expMonth\":" + card.expMonth() + ",\"expYear\":" + card.expYear()
                + ",\"createdAt\":\"2026-01-01T00:00:00Z\"}");
    }

    private static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "";
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length < 2) {
            return "";
        }
        Matcher subject = SUBJECT.matcher(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        return subject.find() ? subject.group(1) : "";
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
