package eventshop.edge.problems;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problems as edge writes them: a stable {@code type} of {@code /problems/<slug>} per kind,
 * the same shape and kinds the services use ({@code invalid-fields} with {@code errors}, {@code malformed-json},
 * {@code malformed-request} for a broken URL or header, the protocol's own typed by status).
 */
public final class Problems {

    private Problems() {
    }

    public static URI type(String slug) {
        return URI.create("/problems/" + slug);
    }

    public static ProblemDetail problem(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }

    /** 400 {@code invalid-fields}: these fields are refused; the detail lists them, {@code errors} too. */
    public static ProblemDetail invalidFields(List<InvalidField> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-fields", "Invalid fields", errors.stream()
                .map(error -> error.field() + " " + error.message()).collect(Collectors.joining("; ")));
        problem.setProperty("errors", List.copyOf(errors));
        return problem;
    }

    /** 400 {@code malformed-json}: the body as a whole is not the JSON expected. */
    public static ProblemDetail malformedJson(String detail) {
        return problem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON", detail);
    }

    /** A problem of the kind a bare status stands for (used for errors that come with no kind of their own). */
    public static ProblemDetail forStatus(HttpStatusCode status, String detail) {
        return problem(status, slug(status), title(status), detail != null ? detail : title(status).toLowerCase());
    }

    /** Fills in the type and title of a problem made elsewhere (Spring MVC's own errors). */
    public static ProblemDetail typed(ProblemDetail problem) {
        HttpStatusCode status = HttpStatusCode.valueOf(problem.getStatus());
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(type(slug(status)));
        }
        if (problem.getTitle() == null) {
            problem.setTitle(title(status));
        }
        if (problem.getDetail() == null) {
            problem.setDetail(title(status).toLowerCase());
        }
        return problem;
    }

    public static String slug(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == null) {
            return status.is4xxClientError() ? "malformed-request" : "internal-error";
        }
        return switch (known) {
            case BAD_REQUEST -> "malformed-request";
            case UNAUTHORIZED -> "unauthorized";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case NOT_ACCEPTABLE -> "not-acceptable";
            case CONTENT_TOO_LARGE -> "payload-too-large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            case INTERNAL_SERVER_ERROR -> "internal-error";
            case BAD_GATEWAY -> "bad-gateway";
            case SERVICE_UNAVAILABLE -> "service-unavailable";
            case GATEWAY_TIMEOUT -> "gateway-timeout";
            default -> known.name().toLowerCase().replace('_', '-');
        };
    }

    static String title(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error " + status.value();
    }

    /** The problem's members as a JSON object would hold them (extension members at the top level). */
    public static Map<String, Object> members(ProblemDetail problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", problem.getType() == null ? null : problem.getType().toString());
        members.put("title", problem.getTitle());
        members.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            members.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            members.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        return members;
    }
}
