package eventshop.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for a service behind edge: answers every request with what it received (method, path,
 * query, Authorization, Consistency-Token, body) unless a path has its own handler, and keeps a log of
 * the requests, so tests can see exactly what edge forwarded.
 */
final class StubService implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> handlers = new ConcurrentHashMap<>();
    private volatile HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private StubService(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /** A stub listening on a free port. */
    static StubService started(String name) {
        StubService stub = new StubService(name, 0);
        stub.start();
        return stub;
    }

    /** A stub with a port of its own that does not listen yet: calls to it are refused until {@link #start()}. */
    static StubService notStarted(String name) {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new StubService(name, socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized StubService start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + (server != null ? server.getAddress().getPort() : port));
    }

    StubService on(String path, Answer handler) {
        handlers.put(path, handler);
        return this;
    }

    List<Received> received() {
        return received;
    }

    List<Received> receivedOn(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().get("Authorization"),
                exchange.getRequestHeaders().getFirst("Consistency-Token"),
                exchange.getRequestHeaders().getFirst("X-Request-Id"),
                new String(body, StandardCharsets.UTF_8), Map.copyOf(exchange.getRequestHeaders()));
        received.add(request);
        Answer handler = handlers.get(request.path());
        try {
            if (handler != null) {
                handler.answer(exchange, request);
            } else {
                echo(exchange, request);
            }
        } finally {
            exchange.close();
        }
    }

    private void echo(HttpExchange exchange, Received request) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("service", name);
        answer.put("method", request.method());
        answer.put("path", request.path());
        answer.put("query", request.query());
        answer.put("authorization", request.authorization());
        answer.put("body", request.body());
        exchange.getResponseHeaders().set("Consistency-Token", name + "@42");
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
    }

    /**
     * Answers nothing: the connection is closed without a response (the exchange is closed before any header was
     * sent), as by a service that fails in the middle of a request. Edge sees an I/O error: a failed call.
     */
    static void hangUp(HttpExchange exchange, Received request) {
        exchange.close();
    }

    static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }

    /** A request as the stub saw it. */
    record Received(String method, String path, String query, String authorization, List<String> authorizations,
                    String consistencyToken, String requestId, String body, Map<String, List<String>> headers) {

        /** The first value of the header {@code name} (as the JDK's server names it: first letter upper case), or null. */
        String header(String name) {
            List<String> values = headers.get(name.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                    + name.substring(1).toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        String bearerToken() {
            return authorization == null ? null : authorization.substring("Bearer ".length());
        }
    }

    /** How a stub answers a path: sees the request as received (body already read). */
    @FunctionalInterface
    interface Answer {
        void answer(HttpExchange exchange, Received request) throws IOException;
    }
}
