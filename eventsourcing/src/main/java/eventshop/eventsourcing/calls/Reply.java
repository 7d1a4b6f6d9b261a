package eventshop.eventsourcing.calls;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;

/**
 * What a called service answered: any status below 500 is an answer (a 404 or a 422 too), with the
 * body read as the expected type for a 2xx and the problem for an error. Immutable.
 *
 * @param status  the HTTP status
 * @param body    the 2xx body as the expected type; null for another status or an empty body
 * @param problem the {@code application/problem+json} body of an error answer, if it had one
 * @param headers the answer's headers (a command's {@code Consistency-Token}, a {@code Location}); read-only
 */
public record Reply<T>(int status, @Nullable T body, @Nullable ProblemDetail problem, HttpHeaders headers) {

    public Reply {
        headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    /** An answer whose headers do not matter. */
    public Reply(int status, @Nullable T body, @Nullable ProblemDetail problem) {
        this(status, body, problem, new HttpHeaders());
    }

    /** The value of the answer's header {@code name}, or null. */
    public @Nullable String header(String name) {
        return headers.getFirst(name);
    }

    public boolean is2xx() {
        return status / 100 == 2;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /** The problem's detail, or the status when the answer had none. */
    public String detail() {
        return problem != null && problem.getDetail() != null ? problem.getDetail() : "status " + status;
    }
}
