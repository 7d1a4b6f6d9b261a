package eventshop.edge.problems;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

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

    /**
     * 503 {@code overloaded}: edge refuses the request before it reaches a service, because the store takes more
     * of its kind than it can finish in time; {@code Retry-After} in whole seconds, at least 1. The same type as a
     * service's own refusal for the same reason (the starter's {@code Overloaded}).
     */
    public static EdgeProblem overloaded(String detail, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return new EdgeProblem(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Overloaded", detail),
                headers);
    }

    /**
     * This problem as a route's answer to {@code request} (a route's filter answers it rather than throwing: inside a
     * route's circuit breaker, an exception would count as the service's failure).
     */
    public ServerResponse toResponse(ServerRequest request) {
        problem.setInstance(URI.create(request.path()));
        return ServerResponse.status(problem.getStatus())
                .headers(all -> all.addAll(headers))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    public ProblemDetail problem() {
        return problem;
    }

    public HttpHeaders headers() {
        return headers;
    }
}
