package eventshop.eventsourcing.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.example.Tab;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.StorageUnavailable;
import eventshop.eventstore.WrongExpectedVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@WebMvcTest(ProblemsTest.Failing.class)
@Import({Problems.class, ProblemsTest.Failing.class})
class ProblemsTest {

    @SpringBootApplication
    static class App {
    }

    record Order(String sku, int quantity) {
    }

    /** A rule answering 404 under a type that is not its class name. */
    static final class TabGone extends DomainError {
        TabGone() {
            super(Kind.NOT_FOUND, "no-such-tab", "there is no tab t9");
        }
    }

    /** A rule of any kind, to see each kind's status. */
    static final class RuleOfKind extends DomainError {
        RuleOfKind(Kind kind) {
            super(kind, "a rule of kind " + kind.name());
        }
    }

    /** A caller who tried too often, told to wait 2.5 s. */
    static final class TriedTooOften extends DomainError {
        TriedTooOften() {
            super(Kind.TOO_MANY_REQUESTS, "too many tries; wait a moment");
        }

        @Override
        public java.util.Optional<Duration> retryAfter() {
            return java.util.Optional.of(Duration.ofMillis(2_500));
        }
    }

    @RestController
    static class Failing {

        @GetMapping("/fail/kind/{kind}")
        String failOfKind(@PathVariable DomainError.Kind kind) {
            throw new RuleOfKind(kind);
        }

        @GetMapping("/fail/{kind}")
        String fail(@PathVariable String kind) {
            throw switch (kind) {
                case "conflict" -> new Tab.TabNotOpen();
                case "rule" -> new Tab.PriceNotPositive(-1);
                case "gone" -> new TabGone();
                case "often" -> new TriedTooOften();
                case "version" -> new WrongExpectedVersion("tab-1", ExpectedVersion.exactly(3), 5);
                case "invalid" -> new InvalidRequest("stream id is too long");
                case "stale" -> new NotYetConsistent(new ConsistencyToken("bar", 9), "tabs",
                        "applied up to position 4 of bar", Duration.ofSeconds(2));
                case "disk" -> new StorageUnavailable("the event store in /var/secret/data cannot write to its disk"
                        + " (java.io.IOException: No space left on device)", new java.io.IOException("No space left on device"));
                case "disk-async" -> new java.util.concurrent.CompletionException(new StorageUnavailable(
                        "append to 'cart-1' failed: the database at db.internal:5432 cannot be reached", null));
                case "busy" -> new Overloaded("more passwords are being checked than this service takes at once",
                        Duration.ofMillis(2_500));
                default -> new IllegalStateException("secret internals");
            };
        }

        @PostMapping("/orders")
        Order order(@RequestBody Order order) {
            return order;
        }
    }

    @Autowired
    private MockMvc mvc;

    @Test
    void domainConflict_is409WithATypeFromTheErrorName() throws Exception {
        mvc.perform(get("/fail/conflict"))
                .andExpect(status().isConflict())
                .andExpect(header().string("Content-Type", "application/problem+json"))
                .andExpect(jsonPath("$.type").value("/problems/tab-not-open"))
                .andExpect(jsonPath("$.title").value("Tab not open"))
                .andExpect(jsonPath("$.detail").value("the tab is not open"))
                .andExpect(jsonPath("$.status").value(409));
    }

    @Test
    void brokenRule_is422() throws Exception {
        mvc.perform(get("/fail/rule"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.type").value("/problems/price-not-positive"));
    }

    @Test
    void aRuleWithASlugOfItsOwn_isTypedAndTitledByIt() throws Exception {
        mvc.perform(get("/fail/gone"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/no-such-tab"))
                .andExpect(jsonPath("$.title").value("No such tab"));
    }

    @ParameterizedTest
    @CsvSource({"CONFLICT, 409", "UNPROCESSABLE, 422", "NOT_FOUND, 404", "UNAUTHORIZED, 401", "FORBIDDEN, 403",
            "TOO_MANY_REQUESTS, 429"})
    void everyKindOfRule_hasItsStatus(DomainError.Kind kind, int status) throws Exception {
        mvc.perform(get("/fail/kind/" + kind))
                .andExpect(status().is(status))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.type").value("/problems/rule-of-kind"));
    }

    @Test
    void triedTooOften_is429_withRetryAfterInWholeSecondsRoundedUp() throws Exception {
        mvc.perform(get("/fail/often"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(jsonPath("$.type").value("/problems/tried-too-often"))
                .andExpect(jsonPath("$.detail").value("too many tries; wait a moment"));
        mvc.perform(get("/fail/kind/TOO_MANY_REQUESTS")).andExpect(header().doesNotExist("Retry-After"));
    }

    @Test
    void concurrentModification_is409() throws Exception {
        mvc.perform(get("/fail/version"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("/problems/concurrent-modification"));
    }

    @Test
    void invalidStoreRequest_is400() throws Exception {
        mvc.perform(get("/fail/invalid"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"));
    }

    @Test
    void notYetConsistent_is503WithRetryAfter() throws Exception {
        mvc.perform(get("/fail/stale"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.type").value("/problems/not-yet-consistent"));
    }

    @Test
    void overloaded_is503WithItsRetryAfterInWholeSeconds() throws Exception {
        mvc.perform(get("/fail/busy"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.type").value("/problems/overloaded"))
                .andExpect(jsonPath("$.detail").value(
                        "more passwords are being checked than this service takes at once; try again shortly"));
    }

    @ParameterizedTest
    @CsvSource({"disk", "disk-async"})
    void aFailingStore_is503StorageUnavailable_withRetryAfter_andNoInternals(String failure) throws Exception {
        mvc.perform(get("/fail/" + failure))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.type").value("/problems/storage-unavailable"))
                .andExpect(jsonPath("$.title").value("Storage unavailable"))
                .andExpect(jsonPath("$.detail").value(
                        "the change could not be stored just now and was not confirmed; try again shortly"))
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.containsString("secret"), org.hamcrest.Matchers.containsString("space"),
                        org.hamcrest.Matchers.containsString("db.internal")))));
    }

    @Test
    void unexpectedError_is500WithoutInternals() throws Exception {
        mvc.perform(get("/fail/boom"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value("/problems/internal-error"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.not(
                        org.hamcrest.Matchers.containsString("secret"))));
    }

    @Test
    void malformedJson_is400Problem() throws Exception {
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("{\"sku\": "))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", "application/problem+json"));
    }

    @Test
    void wrongFieldType_is400Problem() throws Exception {
        mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content("{\"sku\":\"a\",\"quantity\":\"many\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", "application/problem+json"));
    }
}
