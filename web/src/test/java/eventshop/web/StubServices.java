package eventshop.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The services' HTTP APIs as the storefront's tests need them: one real HTTP server on a free port that answers
 * {@code METHOD path} with what a test set (JSON, status, headers), a 404 problem for anything else, and records
 * every request (method, path with query, headers, body). {@link #down} makes every call a 503; {@link #hold}
 * holds an answer back, to see which calls a page makes at the same time. Thread-safe.
 */
final class StubServices implements AutoCloseable {

    record Answer(int status, String contentType, String body, Map<String, String> headers) {
    }

    record Request(String method, String uri, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private volatile boolean down;

    /**
     * An answer held back until requests to every one of {@code others} (path starts) have arrived, or the test
     * {@link #release}s it, or {@link #LONGEST} has passed. {@link #heldTooLong} says whether it gave up waiting:
     * calls made one after the other never overlap, so their hold times out.
     */
    static final class Hold {

        static final java.time.Duration LONGEST = java.time.Duration.ofSeconds(10);

        private final List<String> others;
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean heldTooLong;
        private volatile boolean answered;

        private Hold(List<String> others) {
            this.others = others;
        }

        void release() {
            released.countDown();
        }

        boolean heldTooLong() {
            return heldTooLong;
        }

        boolean answered() {
            return answered;
        }

        private void await(StubServices stub) {
            long deadline = System.nanoTime() + LONGEST.toNanos();
            try {
                synchronized (stub.requests) {
                    while (released.getCount() > 0 && !(!others.isEmpty() && others.stream().allMatch(other ->
                            stub.requests.stream().anyMatch(request -> request.uri().startsWith(other))))) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            heldTooLong = true;
                            break;
                        }
                        stub.requests.wait(Math.max(1, left / 1_000_000));
                    }
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            answered = true;
        }
    }

    StubServices() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String uri = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            requests.add(new Request(exchange.getRequestMethod(), uri, Map.copyOf(exchange.getRequestHeaders()), body));
            synchronized (requests) {
                requests.notifyAll();
            }
            Hold hold = holds.get(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            if (hold != null) {
                hold.await(this);
            }
            Answer answer = down ? new Answer(503, "application/problem+json", "{\"status\":503}", Map.of())
                    : answers.getOrDefault(exchange.getRequestMethod() + " " + uri,
                    answers.getOrDefault(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath(),
                            new Answer(404, "application/problem+json",
                                    "{\"type\":\"/problems/not-found\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no such thing\"}",
                                    Map.of())));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Every service the storefront calls, at this stub. */
    void standInForEveryService(org.springframework.test.context.DynamicPropertyRegistry registry) {
        for (String service : new String[] {"accounts", "catalog", "inventory", "carts", "orders", "payments", "views"}) {
            registry.add("eventshop.services." + service + ".url", this::url);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code METHOD path} (with or without its query) with {@code json} and {@code status}. */
    StubServices answer(String methodAndPath, int status, String json, Map<String, String> headers) {
        answers.put(methodAndPath, new Answer(status, status >= 400 ? "application/problem+json" : "application/json",
                json, headers));
        return this;
    }

    StubServices answer(String methodAndPath, String json) {
        return answer(methodAndPath, 200, json, Map.of());
    }

    /** Holds the answer to {@code METHOD path} back until requests to all of {@code others} have arrived. */
    Hold holdUntil(String methodAndPath, String... others) {
        Hold hold = new Hold(List.of(others));
        holds.put(methodAndPath, hold);
        return hold;
    }

    /** Holds the answer to {@code METHOD path} back until {@link Hold#release} (at most {@link Hold#LONGEST}). */
    Hold hold(String methodAndPath) {
        return holdUntil(methodAndPath);
    }

    void down(boolean down) {
        this.down = down;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request last(String method, String pathStart) {
        return requests.reversed().stream().filter(r -> r.method().equals(method) && r.uri().startsWith(pathStart))
                .findFirst().orElseThrow(() -> new AssertionError("no " + method + " " + pathStart + " in " + requests));
    }

    void reset() {
        holds.values().forEach(Hold::release);
        holds.clear();
        answers.clear();
        requests.clear();
        down = false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
