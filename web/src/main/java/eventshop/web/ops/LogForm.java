package eventshop.web.ops;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The log explorer's form as typed (its fields are query parameters, so a filtered page can be linked to): the
 * cursor ({@code after} or {@code before}), the page size and the filters. Times are instants, or a browser's
 * {@code datetime-local} value, read as UTC. A number that is not one is an error next to its field, and no call is
 * made; anything else is the service's to judge.
 */
public record LogForm(@Nullable String after, @Nullable String before, @Nullable String limit, @Nullable String stream,
                      @Nullable String type, @Nullable String since, @Nullable String until,
                      @Nullable String correlation) {

    private static final Pattern LOCAL_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

    /** The form's errors by field (empty: the query can be sent). */
    public Map<String, String> errors() {
        Map<String, String> errors = new LinkedHashMap<>();
        check(errors, "after", after, 0);
        check(errors, "before", before, 0);
        check(errors, "limit", limit, 1);
        return errors;
    }

    /** The query to send (only when {@link #errors} is empty). */
    public Ops.LogQuery query() {
        return new Ops.LogQuery(number(after), number(before), number(limit) == null ? null : number(limit).intValue(),
                stream, type, instant(since), instant(until), correlation);
    }

    /** Whether any filter is set. */
    public boolean filtered() {
        return present(stream) || present(type) || present(since) || present(until) || present(correlation);
    }

    /** This service's log with the same filters and page size, at {@code cursor} ({@code after} or {@code before}). */
    public String link(String service, String cursor, long position) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/ops/log/{service}").queryParam(cursor, position);
        Map<String, @Nullable String> kept = new LinkedHashMap<>();
        kept.put("limit", limit);
        kept.put("stream", stream);
        kept.put("type", type);
        kept.put("since", since);
        kept.put("until", until);
        kept.put("correlation", correlation);
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("service", service);
        kept.forEach((name, value) -> {
            if (present(value)) {
                uri.queryParam(name, "{" + name + "}");
                variables.put(name, value.strip());
            }
        });
        return uri.encode().buildAndExpand(variables).toUriString();
    }

    private static void check(Map<String, String> errors, String field, @Nullable String text, long least) {
        if (!present(text)) {
            return;
        }
        Long number = number(text);
        if (number == null || number < least) {
            errors.put(field, "must be a whole number" + (least > 0 ? " from " + least : " from 0"));
        }
    }

    private static @Nullable Long number(@Nullable String text) {
        if (!present(text) || text.strip().length() > 18) {
            return null;
        }
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static @Nullable String instant(@Nullable String text) {
        if (!present(text) || !LOCAL_TIME.matcher(text.strip()).matches()) {
            return text;
        }
        try {
            return LocalDateTime.parse(text.strip()).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException notATime) {
            return text;
        }
    }

    private static boolean present(@Nullable String text) {
        return text != null && !text.isBlank();
    }
}
