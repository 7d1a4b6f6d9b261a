package eventshop.eventsourcing.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * What a body Jackson could not read gets: {@code invalid-fields} naming the member when one member is at
 * fault (wrong type, out of range, given twice, refused text), {@code malformed-json} when the body as a
 * whole is not the JSON expected (not JSON, cut off, not an object). Jackson's own messages are never
 * passed on: they quote the offending input, which may be a password or a card number.
 */
final class JsonProblems {

    /** Jackson's message when {@code STRICT_DUPLICATE_DETECTION} finds a member given twice. */
    private static final String DUPLICATE = "Duplicate Object property";

    private JsonProblems() {
    }

    static ProblemDetail of(@Nullable Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson) {
                return of(jackson);
            }
        }
        String message = failure == null ? "" : String.valueOf(failure.getMessage());
        return Problems.malformedJson(message.startsWith("Required request body is missing")
                ? "the request needs a JSON body" : "the body could not be read as JSON");
    }

    static ProblemDetail of(JacksonException failure) {
        if (failure instanceof StrictJson.RefusedText refused) {
            return field(pathOf(failure), refused.getOriginalMessage());
        }
        if (failure instanceof StreamReadException && String.valueOf(failure.getOriginalMessage()).startsWith(DUPLICATE)) {
            return field(parserPath(failure), "is given more than once");
        }
        if (failure instanceof InputCoercionException coercion) {
            String path = pathOf(failure).isEmpty() ? parserPath(failure) : pathOf(failure);
            Class<?> type = coercion.getTargetType();
            return field(path, "is out of range: it must be " + article(type) + (type == null ? "" : range(type)));
        }
        if (failure instanceof MismatchedInputException mismatch) {
            String path = pathOf(failure);
            if (path.isEmpty()) {
                return Problems.malformedJson("the body must be " + expected(mismatch.getTargetType()));
            }
            return field(path, "must be " + expected(mismatch.getTargetType()));
        }
        TokenStreamLocation at = failure.getLocation();
        return Problems.malformedJson(at == null || at.getLineNr() < 0 ? "the body is not well-formed JSON"
                : "the body is not well-formed JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    private static ProblemDetail field(String path, String message) {
        return Problems.invalidFields(List.of(InvalidField.body(path.isEmpty() ? "(body)" : path, message)));
    }

    /** {@code shippingAddress.city}, {@code lines[0].sku}: the member's place as Jackson recorded it. */
    private static String pathOf(JacksonException failure) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : failure.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The member the parser was at when it failed (for failures of the parser, which record no path). */
    private static String parserPath(JacksonException failure) {
        if (!(failure.processor() instanceof JsonParser parser)) {
            return pathOf(failure);
        }
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (TokenStreamContext context = parser.streamReadContext(); context != null && !context.inRoot();
             context = context.getParent()) {
            if (context.inObject() && context.currentName() != null) {
                parts.push("." + context.currentName());
            } else if (context.inArray()) {
                parts.push("[" + Math.max(0, context.getCurrentIndex()) + "]");
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** What a value of {@code type} must be, in words ({@code a whole number}, {@code one of A, B}). */
    static String expected(@Nullable Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        return article(type);
    }

    private static String article(@Nullable Class<?> type) {
        if (type == null) {
            return "a value of its type";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class || type == byte.class || type == Byte.class
                || type == BigInteger.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == BigDecimal.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || !type.getName().startsWith("java.")) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    private static String range(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return " (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")";
        }
        if (type == long.class || type == Long.class) {
            return " (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")";
        }
        return "";
    }
}
