package eventshop.eventsourcing.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** What {@link StrictJson} refuses, and the problem {@link Problems#unreadableBody} makes of each refusal. */
class StrictJsonTest {

    record Address(String city, String line2) {
    }

    record Line(String sku, int quantity) {
    }

    record Order(String name, Integer quantity, Long priceCents, Boolean gift, Address address, List<Line> lines,
                 @MultiLineText String description, String secret) {
    }

    private final StrictJson strict = new StrictJson(JsonMapper.builder().build());

    private Order read(String json) {
        return strict.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Order.class);
    }

    /** The problem the body gets; it must never quote the body's values. */
    private ProblemDetail refused(String json, String... neverQuoted) {
        JacksonException failure = catchThrowableOfType(JacksonException.class, () -> read(json));
        assertThat(failure).as("refused: " + json).isNotNull();
        ProblemDetail problem = Problems.unreadableBody(failure);
        assertThat(problem.getStatus()).isEqualTo(400);
        for (String value : neverQuoted) {
            assertThat(problem.getDetail()).doesNotContain(value);
            assertThat(String.valueOf(problem.getProperties())).doesNotContain(value);
        }
        return problem;
    }

    @SuppressWarnings("unchecked")
    private static List<InvalidField> errors(ProblemDetail problem) {
        assertThat(problem.getType()).hasToString("/problems/invalid-fields");
        return (List<InvalidField>) problem.getProperties().get("errors");
    }

    private static void assertField(ProblemDetail problem, String field, String message) {
        assertThat(errors(problem)).containsExactly(InvalidField.body(field, message));
        assertThat(problem.getDetail()).isEqualTo(field + " " + message);
    }

    @Nested
    class DuplicateMembers {

        @Test
        void aMemberGivenTwice_isRefused_namingIt() {
            assertField(refused("{\"name\":\"Ada\",\"name\":\"Eve\"}", "Ada", "Eve"), "name", "is given more than once");
        }

        @Test
        void aNestedMemberGivenTwice_isNamedWithItsPath() {
            assertField(refused("{\"address\":{\"city\":\"Rome\",\"city\":\"Paris\"}}"), "address.city",
                    "is given more than once");
            assertField(refused("{\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"B\",\"sku\":\"C\"}]}"),
                    "lines[1].sku", "is given more than once");
        }

        @Test
        void aSecretGivenTwice_isNotQuoted() {
            refused("{\"secret\":\"4242424242424242\",\"secret\":\"4000000000000002\"}", "4242424242424242",
                    "4000000000000002");
        }
    }

    @Nested
    class ControlCharacters {

        @Test
        void nulEscDelAndC1_areRefusedInEveryTextField() {
            for (String control : List.of("\\u0000", "\\u001b", "\\u007f", "\\u0085", "\\u0007")) {
                assertField(refused("{\"name\":\"a" + control + "b\"}"), "name",
                        "must be one line without control characters");
                assertField(refused("{\"address\":{\"city\":\"a" + control + "b\"}}"), "address.city",
                        "must be one line without control characters");
                assertField(refused("{\"description\":\"a" + control + "b\"}"), "description",
                        "must not contain control characters (only tab and line breaks are allowed)");
            }
        }

        @Test
        void lineBreaksAndTabs_areRefusedInOneLineFields() {
            for (String control : List.of("\\n", "\\r", "\\t")) {
                assertField(refused("{\"name\":\"a" + control + "b\"}"), "name",
                        "must be one line without control characters");
            }
        }

        @Test
        void lineBreaksAndTabs_areKeptInAMultiLineField() {
            assertThat(read("{\"description\":\"one\\ntwo\\r\\n\\tthree\"}").description())
                    .isEqualTo("one\ntwo\r\n\tthree");
        }

        @Test
        void textElsewhere_isUntouched() {
            Order order = read("{\"name\":\"Zoë Ω 東京 🙂\",\"address\":{\"city\":\"São Paulo\",\"line2\":\"\"}}");
            assertThat(order.name()).isEqualTo("Zoë Ω 東京 🙂");
            assertThat(order.address().line2()).isEmpty();
        }

        @Test
        void halfASurrogatePair_isRefused_aWholeOneIsKept() {
            for (String broken : List.of("\\ud800", "a\\udc00b", "\\ud83d\\ud83d", "x\\ud83d")) {
                assertField(refused("{\"name\":\"" + broken + "\"}"), "name",
                        "must be valid Unicode text (it holds half of a surrogate pair)");
                assertField(refused("{\"description\":\"" + broken + "\"}"), "description",
                        "must be valid Unicode text (it holds half of a surrogate pair)");
            }
            assertThat(read("{\"name\":\"\\ud83d\\ude42\"}").name()).isEqualTo("🙂");
        }

        @Test
        void aRefusedSecret_isNotQuoted() {
            refused("{\"secret\":\"4242\\u00004242\"}", "4242");
        }
    }

    @Nested
    class Types {

        @Test
        void aNumberForText_isRefused() {
            assertField(refused("{\"name\":42}"), "name", "must be a string");
            assertField(refused("{\"secret\":4242424242424242}", "4242424242424242"), "secret", "must be a string");
        }

        @Test
        void textOrAFractionForAWholeNumber_isRefused() {
            assertField(refused("{\"quantity\":\"many\"}", "many"), "quantity", "must be a whole number");
            assertField(refused("{\"quantity\":1.5}"), "quantity", "must be a whole number");
            assertField(refused("{\"lines\":[{\"sku\":\"A\",\"quantity\":\"2\"}]}"), "lines[0].quantity",
                    "must be a whole number");
        }

        @Test
        void aWholeNumberOutOfRange_isRefused() {
            assertField(refused("{\"quantity\":99999999999}", "99999999999"), "quantity",
                    "is out of range: it must be a whole number (-2147483648 to 2147483647)");
        }

        @Test
        void anObjectOrAnArrayForText_isRefused() {
            assertField(refused("{\"name\":{\"first\":\"Ada\"}}", "Ada"), "name", "must be a string");
            assertField(refused("{\"name\":[\"Ada\"]}", "Ada"), "name", "must be a string");
            assertField(refused("{\"address\":\"Rome\"}", "Rome"), "address", "must be an object");
            assertField(refused("{\"lines\":{}}"), "lines", "must be an array");
            assertField(refused("{\"gift\":\"yes\"}", "yes"), "gift", "must be true or false");
        }
    }

    @Nested
    class MalformedBodies {

        private static void assertMalformed(ProblemDetail problem, String detail) {
            assertThat(problem.getType()).hasToString("/problems/malformed-json");
            assertThat(problem.getProperties()).isNull();
            assertThat(problem.getDetail()).isEqualTo(detail);
        }

        @Test
        void aCutOffBody_isMalformed_withWhereItBroke() {
            assertMalformed(refused("{\"name\":"), "the body is not well-formed JSON (line 1, column 9)");
        }

        @Test
        void notJson_isMalformed_andNotQuoted() {
            assertMalformed(refused("name=Correct-Horse", "Correct-Horse"), "the body is not well-formed JSON (line 1, column 1)");
            assertMalformed(refused("{\"secret\": Correct-Horse}", "Correct-Horse"),
                    "the body is not well-formed JSON (line 1, column 12)");
        }

        @Test
        void somethingAfterTheValue_isMalformed() {
            assertThat(refused("{\"name\":\"Ada\"} x").getType()).hasToString("/problems/malformed-json");
            assertThat(refused("{\"name\":\"Ada\"}{}").getType()).hasToString("/problems/malformed-json");
        }

        @Test
        void anArrayOrAStringForTheBody_isMalformed() {
            assertMalformed(refused("[1,2]"), "the body must be an object");
            assertMalformed(refused("\"Ada\""), "the body must be an object");
        }
    }

    @Test
    void theApplicationsOwnMapper_isLeftAsItWas() {
        JsonMapper application = JsonMapper.builder().build();
        new StrictJson(application);
        Order lenient = application.readValue("{\"name\":\"a\\nb\",\"name\":\"c\\u0000\"}", Order.class);
        assertThat(lenient.name()).isEqualTo("c\u0000");
    }
}
