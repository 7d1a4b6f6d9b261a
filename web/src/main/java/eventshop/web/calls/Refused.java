package eventshop.web.calls;

import eventshop.eventsourcing.calls.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;

/**
 * A service refused what the storefront asked for the customer (a 4xx answer): the problem's words, ready to
 * be shown next to the form fields they name. A page catches it where it can show it in place; anywhere else
 * it becomes an error page with the same words.
 */
public class Refused extends RuntimeException {

    private final int status;
    private final String slug;
    private final Map<String, String> fieldErrors;

    public Refused(int status, String slug, String detail, Map<String, String> fieldErrors) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    /** The refusal in {@code reply}. */
    public static Refused of(Reply<?> reply) {
        ProblemDetail problem = reply.problem();
        String slug = slug(problem);
        Map<String, String> fields = new LinkedHashMap<>();
        if (problem != null && problem.getProperties() != null
                && problem.getProperties().get("errors") instanceof List<?> errors) {
            for (Object error : errors) {
                if (error instanceof Map<?, ?> field && field.get("field") instanceof String name
                        && field.get("message") instanceof String message) {
                    fields.merge(name, message, (a, b) -> a + "; " + b);
                }
            }
        }
        String detail = problem != null && problem.getDetail() != null ? problem.getDetail()
                : problem != null && problem.getTitle() != null ? problem.getTitle() : "refused (status " + reply.status() + ")";
        return new Refused(reply.status(), slug, detail, fields);
    }

    private static String slug(@Nullable ProblemDetail problem) {
        if (problem == null || problem.getType() == null) {
            return "";
        }
        String type = problem.getType().toString();
        return type.substring(type.lastIndexOf('/') + 1);
    }

    public int status() {
        return status;
    }

    /** The status a page answers with when it shows this refusal: the service's 4xx, or 400 for anything else. */
    public int clientStatus() {
        return status >= 400 && status < 500 ? status : 400;
    }

    /** The problem type's last segment ({@code /problems/email-taken} is {@code email-taken}); empty if none. */
    public String slug() {
        return slug;
    }

    /** The problem's detail: what to tell the customer. */
    public String detail() {
        return getMessage();
    }

    /** Messages by the API field they name ({@code shippingAddress.city}), from an {@code invalid-fields} problem. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    /** The field messages renamed to the form's fields ({@code apiField -> formField}); the others under their own name. */
    public Map<String, String> fieldErrors(Map<String, String> formFieldOf) {
        Map<String, String> renamed = new LinkedHashMap<>();
        fieldErrors.forEach((field, message) -> renamed.merge(formFieldOf.getOrDefault(field, field), message,
                (a, b) -> a + "; " + b));
        return renamed;
    }

    /** The messages as one list, for a form-level note. */
    public List<String> messages() {
        List<String> all = new ArrayList<>();
        fieldErrors.forEach((field, message) -> all.add(field + ": " + message));
        return all.isEmpty() ? List.of(detail()) : all;
    }
}
