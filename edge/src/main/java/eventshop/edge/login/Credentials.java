package eventshop.edge.login;

import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.problems.InvalidField;
import eventshop.edge.problems.Problems;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a user logs in with ({@code POST /api/auth/login}). */
record Credentials(String email, String password) {

    static final int MAX_EMAIL = 254;
    static final int MAX_PASSWORD = 1024;

    /**
     * The credentials of a login body, read as strictly as the services read theirs: a JSON object, each
     * member once, {@code email} and {@code password} strings of one line without control characters or
     * half surrogate pairs (no coercion of a number into a password). Otherwise a 400 {@code malformed-json}, or
     * {@code invalid-fields} naming each field at fault; neither ever quotes the body.
     */
    static Credentials read(JsonMapper json, byte[] body) {
        JsonNode tree;
        try {
            tree = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (StreamReadException failure) {
            if (String.valueOf(failure.getOriginalMessage()).startsWith("Duplicate Object property")
                    && failure.processor() instanceof JsonParser parser && parser.streamReadContext() != null) {
                throw new EdgeProblem(Problems.invalidFields(List.of(InvalidField.body(
                        parser.streamReadContext().currentName(), "is given more than once"))));
            }
            throw malformed(failure);
        } catch (JacksonException failure) {
            throw malformed(failure);
        }
        if (tree == null || !tree.isObject()) {
            throw new EdgeProblem(Problems.malformedJson("the body must be an object {\"email\": ..., \"password\": ...}"));
        }
        List<InvalidField> errors = new ArrayList<>();
        String email = text(tree, "email", MAX_EMAIL, false, errors);
        String password = text(tree, "password", MAX_PASSWORD, true, errors);
        if (!errors.isEmpty()) {
            throw new EdgeProblem(Problems.invalidFields(errors));
        }
        return new Credentials(email.strip(), password);
    }

    private static String text(JsonNode body, String field, int max, boolean exact, List<InvalidField> errors) {
        JsonNode value = body.get(field);
        String refused;
        if (value == null || value.isNull()) {
            refused = "is required";
        } else if (!value.isString()) {
            refused = "must be a string";
        } else if (exact ? value.asString().isEmpty() : value.asString().isBlank()) {
            refused = "must not be blank";
        } else if (value.asString().length() > max) {
            refused = "must be at most " + max + " characters";
        } else if (value.asString().chars().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
            refused = "must be one line without control characters";
        } else if (!isWholeUnicode(value.asString())) {
            refused = "must be valid Unicode text (it holds half of a surrogate pair)";
        } else {
            return value.asString();
        }
        errors.add(InvalidField.body(field, refused));
        return null;
    }

    private static boolean isWholeUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static EdgeProblem malformed(JacksonException failure) {
        return new EdgeProblem(Problems.malformedJson(failure.getLocation() == null
                ? "the body is not well-formed JSON"
                : "the body is not well-formed JSON (line " + failure.getLocation().getLineNr() + ", column "
                        + failure.getLocation().getColumnNr() + ")"));
    }

    /** Never shows the password (in a log line, an exception message). */
    @Override
    public String toString() {
        return "Credentials[email=" + email + ", password=***]";
    }
}
