package eventshop.launcher.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * A small JSON client of edge's public HTTP API (DESIGN §6), the way any user of the store calls
 * it: the launcher loads the demo data through it, and the end-to-end tests drive the store with it.
 * Thread-safe.
 */
public final class EdgeClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI base;

    public EdgeClient(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** An answer: status, JSON body ({@link MissingNode} if none or not JSON), headers. */
    public record Response(int status, JsonNode body, String text, HttpHeaders headers) {

        public boolean is2xx() {
            return status / 100 == 2;
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, null, token, Map.of());
    }

    public Response post(String path, Object body, String token) {
        return send("POST", path, body, token, Map.of());
    }

    public Response put(String path, Object body, String token) {
        return send("PUT", path, body, token, Map.of());
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, null, token, Map.of());
    }

    /** {@code POST /api/auth/login}; the bearer token, or an exception naming the answer. */
    public String login(String email, String password) {
        Response response = post("/api/auth/login", Map.of("email", email, "password", password), null);
        if (response.status() != 200 || !response.body().hasNonNull("token")) {
            throw new IllegalStateException("login as " + email + " failed: " + response);
        }
        return response.body().get("token").asString();
    }

    /**
     * One request. {@code body} is serialised as JSON (a {@link String} is sent as is);
     * {@code token}, if not null, goes into {@code Authorization: Bearer}.
     */
    public Response send(String method, String path, Object body, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String json = body instanceof String text ? text : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), parse(response.body()), response.body(), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (RuntimeException notJson) {
            return MissingNode.getInstance();
        }
    }
}
