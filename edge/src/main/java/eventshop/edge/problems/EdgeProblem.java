package eventshop.edge.problems;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** An error edge itself answers with a problem response (never a service's error, which passes through). */
public class EdgeProblem extends RuntimeException {

    private final transient ProblemDetail problem;
    private final transient HttpHeaders headers;

    public EdgeProblem(ProblemDetail problem, HttpHeaders headers) {
        super(problem.getDetail());
        this.problem = problem;
        this.headers = headers;
    }

    public EdgeProblem(ProblemDetail problem) {
        this(problem, new HttpHeaders());
    }

    public static EdgeProblem invalidRequest(String detail) {
        return new EdgeProblem(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail));
    }

    public static EdgeProblem payloadTooLarge(long limit) {
        return new EdgeProblem(Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
                "the request body is larger than " + limit + " bytes"));
    }

    public static EdgeProblem unsupportedMediaType(String detail) {
        return new EdgeProblem(Problems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                "Unsupported media type", detail));
    }

    public static EdgeProblem unauthorized(String detail) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return new EdgeProblem(Problems.problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail),
                headers);
    }

    public ProblemDetail problem() {
        return problem;
    }

    public HttpHeaders headers() {
        return headers;
    }
}
