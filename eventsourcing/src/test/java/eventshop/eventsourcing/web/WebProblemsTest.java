package eventshop.eventsourcing.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web side of a service as the starter sets it up, over a real Tomcat: every error is a problem with a
 * type, invalid input names its fields, Tomcat's and Boot's own error pages are problems too, and a
 * refused request never reaches the controller.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = WebProblemsTest.App.class,
        properties = {"eventshop.service-name=web", "eventshop.eventstore.engine=memory",
                "eventshop.relay.enabled=false", "spring.datasource.url=jdbc:h2:mem:web;DB_CLOSE_DELAY=-1"})
class WebProblemsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Text(String text) {
    }

    record Address(@NotBlank @Size(max = 20) String city) {
    }

    record Signup(@NotBlank @Size(max = 10) String name, @NotNull @Size(min = 8) String password,
                  @NotNull @Min(1) Integer quantity, @Valid Address address, @MultiLineText @Size(max = 100) String about) {
    }

    @SpringBootApplication
    static class App {
        @RestController
        static class Endpoints {
            final AtomicInteger accepted = new AtomicInteger();

            @PostMapping("/api/signups")
            Signup signUp(@Valid @RequestBody Signup body) {
                accepted.incrementAndGet();
                return body;
            }

            @PostMapping("/api/keyed/{code}")
            String keyed(@PathVariable @Pattern(regexp = "[A-Z]{1,5}") String code, @Valid @RequestBody Signup body,
                         @RequestHeader(name = "Idempotency-Key", required = false)
                         @Pattern(regexp = "[a-z0-9-]{1,20}") String key) {
                accepted.incrementAndGet();
                return code;
            }

            @GetMapping("/api/items")
            Map<String, Object> items(@RequestParam(defaultValue = "0") @Min(0) int page,
                                      @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                      @RequestParam(required = false) @Size(max = 10) String q) {
                return Map.of("page", page, "size", size, "q", q == null ? "" : q);
            }

            @GetMapping("/api/items/{code}")
            Map<String, String> item(@PathVariable @Pattern(regexp = "[A-Z]{1,5}") String code,
                                     @RequestParam String view) {
                return Map.of("code", code, "view", view);
            }

            @GetMapping("/api/needs-header")
            String needsHeader(@RequestHeader("X-Tenant") String tenant) {
                return tenant;
            }
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    App.Endpoints endpoints;

    @Autowired
    JsonMapper applicationMapper;

    record Answer(int status, String contentType, String body, String allow) {
        JsonNode problem() {
            return JSON.readTree(body);
        }

        List<String> fields() {
            List<String> fields = new ArrayList<>();
            problem().path("errors").forEach(error -> fields.add(error.path("field").asString() + "@"
                    + error.path("in").asString()));
            return fields;
        }
    }

    private Answer send(String method, String target, String contentType, String body, String... headers) {
        try (Socket socket = new Socket("localhost", port)) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            if (content != null) {
                if (contentType != null) {
                    head.append("Content-Type: ").append(contentType).append("\r\n");
                }
                head.append("Content-Length: ").append(content.length).append("\r\n");
            }
            head.append("\r\n");
            request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            if (content != null) {
                request.writeBytes(content);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            String[] lines = answer.substring(0, split).split("\r\n");
            String type = null;
            String allow = null;
            boolean chunked = false;
            for (String line : lines) {
                String lower = line.toLowerCase();
                if (lower.startsWith("content-type:")) {
                    type = line.substring(13).trim();
                } else if (lower.startsWith("allow:")) {
                    allow = line.substring(6).trim();
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            String payload = answer.substring(split + 4);
            if (chunked) {
                StringBuilder joined = new StringBuilder();
                int at = 0;
                while (true) {
                    int end = payload.indexOf("\r\n", at);
                    int size = Integer.parseInt(payload.substring(at, end).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    joined.append(payload, end + 2, end + 2 + size);
                    at = end + 2 + size + 2;
                }
                payload = joined.toString();
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), type, payload, allow);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertProblem(Answer answer, int status, String slug) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.toString()).startsWith("application/problem+json");
        JsonNode problem = answer.problem();
        assertThat(problem.path("type").asString()).as(answer.toString()).isEqualTo("/problems/" + slug);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
    }

    private static final String GOOD = "{\"name\":\"Ada\",\"password\":\"Correct-Horse\",\"quantity\":1,"
            + "\"address\":{\"city\":\"Paris\"},\"about\":\"one\\ntwo\"}";

    @Test
    void aGoodSignup_isAccepted_withItsMultiLineText() {
        Answer answer = send("POST", "/api/signups", "application/json", GOOD);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.problem().path("about").asString()).isEqualTo("one\ntwo");
    }

    @Test
    void invalidBodyFields_areEachNamed_withoutQuotingThem() {
        int before = endpoints.accepted.get();
        Answer answer = send("POST", "/api/signups", "application/json",
                "{\"name\":\"Ada Lovelace!\",\"password\":\"Sh0rt-7\",\"address\":{\"city\":\"\"}}");
        assertProblem(answer, 400, "invalid-fields");
        assertThat(answer.fields()).containsExactlyInAnyOrder("name@body", "password@body", "quantity@body",
                "address.city@body");
        assertThat(answer.body()).doesNotContain("Sh0rt-7").doesNotContain("Lovelace");
        assertThat(answer.problem().path("detail").asString()).contains("password size must be between 8");
        assertThat(endpoints.accepted).hasValue(before);
    }

    @Test
    void strictJsonRefusals_nameTheField() {
        assertThat(send("POST", "/api/signups", "application/json", GOOD.replace("\"Ada\"", "\"A\\u0000da\"")).fields())
                .containsExactly("name@body");
        assertThat(send("POST", "/api/signups", "application/json", GOOD.replace("\"Ada\",", "\"Ada\",\"name\":\"Eve\",")).fields())
                .containsExactly("name@body");
        assertThat(send("POST", "/api/signups", "application/json", GOOD.replace("\"quantity\":1", "\"quantity\":\"1\"")).fields())
                .containsExactly("quantity@body");
        assertThat(send("POST", "/api/signups", "application/json", GOOD.replace("\"Paris\"", "\"Par\\nis\"")).fields())
                .containsExactly("address.city@body");
    }

    @Test
    void malformedBodies_areMalformedJson() {
        assertProblem(send("POST", "/api/signups", "application/json", "{\"name\":"), 400, "malformed-json");
        assertProblem(send("POST", "/api/signups", "application/json", "[]"), 400, "malformed-json");
        assertProblem(send("POST", "/api/signups", "application/json", GOOD + " x"), 400, "malformed-json");
        Answer empty = send("POST", "/api/signups", "application/json", "");
        assertProblem(empty, 400, "malformed-json");
        assertThat(empty.problem().path("detail").asString()).isEqualTo("the request needs a JSON body");
    }

    @Test
    void parameters_areNamedWithWhereTheyWere() {
        assertThat(send("GET", "/api/items?size=101&page=-1", null, null).fields())
                .containsExactlyInAnyOrder("size@query", "page@query");
        Answer notANumber = send("GET", "/api/items?size=abc", null, null);
        assertProblem(notANumber, 400, "invalid-fields");
        assertThat(notANumber.fields()).containsExactly("size@query");
        assertThat(notANumber.problem().path("detail").asString()).isEqualTo("size must be a whole number");
        assertThat(send("GET", "/api/items?q=a%00b", null, null).fields()).containsExactly("q@query");
        assertThat(send("GET", "/api/items?q=a%0Ab", null, null).fields()).containsExactly("q@query");
        assertThat(send("GET", "/api/items/abc?view=x", null, null).fields()).containsExactly("code@path");
        assertThat(send("GET", "/api/items/ABC", null, null).fields()).containsExactly("view@query");
        assertThat(send("GET", "/api/needs-header", null, null).fields()).containsExactly("X-Tenant@header");
        assertThat(send("POST", "/api/keyed/abc", "application/json", GOOD, "Idempotency-Key: NOT VALID").fields())
                .containsExactlyInAnyOrder("code@path", "Idempotency-Key@header");
    }

    @Test
    void theProtocolsOwnErrors_areTyped() {
        assertProblem(send("GET", "/api/nothing-here", null, null), 404, "not-found");
        Answer wrongMethod = send("DELETE", "/api/signups", null, null);
        assertProblem(wrongMethod, 405, "method-not-allowed");
        assertThat(wrongMethod.allow()).isEqualTo("POST");
        assertProblem(send("POST", "/api/signups", "text/plain", "hello"), 415, "unsupported-media-type");
        assertProblem(send("POST", "/api/signups", null, GOOD), 415, "unsupported-media-type");
        assertProblem(send("GET", "/api/items", null, null, "Accept: text/html"), 406, "not-acceptable");
        assertProblem(send("GET", "/api/items", null, null, "Accept: garbage"), 406, "not-acceptable");
        assertProblem(send("GET", "/api/items/NOPE?view=x", null, null, "Accept: garbage"), 406, "not-acceptable");
        assertProblem(send("POST", "/api/signups", "application/json", "{\"about\":\"" + "x".repeat(70_000) + "\"}"),
                413, "payload-too-large");
    }

    @Test
    void whatTomcatRefuses_isAProblemToo() {
        for (String target : List.of("/api/items/a%2fb", "/api/items/a%5cb", "/api/items/%00", "/../../etc/passwd")) {
            Answer answer = send("GET", target, null, null);
            assertProblem(answer, 400, "malformed-request");
            assertThat(answer.body()).as(target).doesNotContain("<html");
        }
        assertProblem(send("GET", "/api/items", null, null, "X-Bad: a\u0001b"), 400, "malformed-request");
    }

    @Test
    void aQueryStringTomcatCannotDecode_isMalformed_notAnInternalError() {
        for (String target : List.of("/api/items?size=%zz", "/api/items?q=%ff", "/api/items?q=%e2%82")) {
            assertProblem(send("GET", target, null, null), 400, "malformed-request");
        }
    }

    @Test
    void halfASurrogatePair_inAParameter_isRefused() {
        assertThat(send("GET", "/api/items?q=%ed%a0%80", null, null).status()).isEqualTo(400);
    }

    @Test
    void whatTheFirewallRefuses_isAProblem_fromTheErrorController() {
        assertProblem(send("GET", "/api/items;jsessionid=1", null, null), 400, "malformed-request");
        assertProblem(send("GET", "/api/items/%2e%2e/x", null, null), 400, "malformed-request");
    }

    @Test
    void requestBodiesAreStrict_butTheApplicationsMapperIsNot() {
        assertThat(applicationMapper.readValue("{\"text\":\"a\\nb\"}", Text.class).text()).isEqualTo("a\nb");
    }
}
