package eventshop.eventsourcing.web;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.Correlation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link Correlation} and {@link ConsistencyToken} controller parameters the starter resolves from their
 * headers, over a real Tomcat: absent, blank, several and malformed values, and the OpenAPI description.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = RequestHeaderArgumentsTest.App.class,
        properties = {"eventshop.service-name=headers", "eventshop.eventstore.engine=memory",
                "eventshop.relay.enabled=false", "eventshop.security.enabled=false",
                "spring.datasource.url=jdbc:h2:mem:headers;DB_CLOSE_DELAY=-1"})
class RequestHeaderArgumentsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @SpringBootApplication
    static class App {
        @RestController
        static class Endpoints {
            final AtomicInteger reads = new AtomicInteger();

            @GetMapping("/api/things")
            Map<String, Object> read(@Nullable ConsistencyToken token) {
                reads.incrementAndGet();
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("token", token == null ? null : token.toString());
                answer.put("stream", token == null ? null : token.stream());
                return answer;
            }

            @PostMapping("/api/things")
            Map<String, Object> command(Correlation correlation) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("none", correlation == Correlation.NONE);
                answer.put("id", correlation.id());
                return answer;
            }
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    App.Endpoints endpoints;

    @Nested
    class TheConsistencyToken {

        @Test
        void isNull_withoutTheHeader_orForABlankOne() {
            assertThat(get().path("token").isNull()).isTrue();
            assertThat(get(ConsistencyToken.HEADER, "").path("token").isNull()).isTrue();
            assertThat(get(ConsistencyToken.HEADER, "   ").path("token").isNull()).isTrue();
        }

        @Test
        void isParsed_streamIncluded() {
            JsonNode answer = get(ConsistencyToken.HEADER, " carts:1234@cart-7f3a ");

            assertThat(answer.path("token").asString()).isEqualTo("carts:1234@cart-7f3a");
            assertThat(answer.path("stream").asString()).isEqualTo("cart-7f3a");
        }

        @Test
        void thatIsNotAToken_isA400Problem_andTheControllerIsNotCalled() {
            for (String[] headers : List.of(new String[] {ConsistencyToken.HEADER, "garbage!!"},
                    new String[] {ConsistencyToken.HEADER, "carts:-2"},
                    new String[] {ConsistencyToken.HEADER, "carts:1", ConsistencyToken.HEADER, "carts:2"})) {
                int before = endpoints.reads.get();

                HttpResponse<String> response = send("GET", headers);

                assertThat(response.statusCode()).as("%s", (Object) headers).isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json(response).path("type").asString()).isEqualTo("/problems/invalid-consistency-token");
                assertThat(endpoints.reads.get()).isEqualTo(before);
            }
        }
    }

    @Nested
    class TheCorrelation {

        @Test
        void isNone_withoutTheHeader() {
            JsonNode answer = json(send("POST"));

            assertThat(answer.path("none").asBoolean()).isTrue();
            assertThat(answer.path("id").isNull()).isTrue();
        }

        @Test
        void isTheHeaderAsSent_blankOrSeveralValuesIncluded_forCommandContextsToJudge() {
            assertThat(json(send("POST", CommandContexts.CORRELATION_HEADER, "checkout-1")).path("id").asString())
                    .isEqualTo("checkout-1");
            assertThat(json(send("POST", CommandContexts.CORRELATION_HEADER, "")).path("id").asString()).isEmpty();
            assertThat(json(send("POST", CommandContexts.CORRELATION_HEADER, "a", CommandContexts.CORRELATION_HEADER,
                    "b")).path("id").asString()).isEqualTo("a,b");
        }
    }

    @Test
    void theOpenApiDescription_namesBothAsOptionalHeaders_notAsQueryParameters() {
        HttpResponse<String> response = send("GET /v3/api-docs");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode paths = json(response).path("paths");

        JsonNode read = paths.at("/~1api~1things/get/parameters");
        JsonNode command = paths.at("/~1api~1things/post/parameters");
        assertThat(parameters(read)).containsExactly("header " + ConsistencyToken.HEADER + " optional");
        assertThat(parameters(command)).containsExactly("header " + CommandContexts.CORRELATION_HEADER + " optional");
    }

    private static List<String> parameters(JsonNode parameters) {
        List<String> found = new ArrayList<>();
        parameters.forEach(parameter -> found.add(parameter.path("in").asString() + " " + parameter.path("name")
                .asString() + (parameter.path("required").asBoolean() ? " required" : " optional")));
        return found;
    }

    private JsonNode get(String... headers) {
        HttpResponse<String> response = send("GET", headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private HttpResponse<String> send(String method, String... headers) {
        String path = "/api/things";
        if (method.contains(" ")) {
            path = method.substring(method.indexOf(' ') + 1);
            method = method.substring(0, method.indexOf(' '));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
