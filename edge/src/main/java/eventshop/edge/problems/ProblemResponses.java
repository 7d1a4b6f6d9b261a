package eventshop.edge.problems;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Where errors raised inside edge become problem responses: edge's own ({@link EdgeProblem}), Spring
 * MVC's (unknown path, wrong method, unreadable body...), and anything unexpected (500, logged, no
 * internals in the answer).
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    @ExceptionHandler(EdgeProblem.class)
    ResponseEntity<ProblemDetail> edgeProblem(EdgeProblem problem) {
        return ResponseEntity.status(problem.problem().getStatus())
                .headers(problem.headers())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.problem());
    }

    /**
     * A query string Tomcat cannot decode ({@code ?size=%zz}, bytes that are not UTF-8) fails when the route
     * first reads the parameters: a 400, not an unexpected error.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameters(InvalidParameterException error) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.problem(HttpStatus.BAD_REQUEST, "malformed-request", "Bad Request",
                        "the query string cannot be decoded: a '%' not followed by two hex digits, or bytes that"
                                + " are not UTF-8"));
    }

    /**
     * A header value or parameter name Spring Security's firewall refuses when a route first reads it (control
     * characters, unassigned code points, bytes that are not UTF-8 read as Latin-1): a 400, not an unexpected error.
     * What the firewall refuses before the filter chain goes through Tomcat's error page instead.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejectedRequest(RequestRejectedException error) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.problem(HttpStatus.BAD_REQUEST, "malformed-request", "Bad Request",
                        "a header or a query parameter holds characters that are not allowed there"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception error) {
        LOG.error("unexpected error while handling a request", error);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                        "the request failed unexpectedly"));
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException error,
                                                                    HttpHeaders headers, HttpStatusCode status,
                                                                    WebRequest request) {
        return createResponseEntity(Problems.problem(status, "not-found", "Not found",
                "nothing here: the API is under /api/<service>/..."), headers, status, request);
    }

    /**
     * A server error that reached here as an {@code ErrorResponse} (the gateway's breaker filter turns a failure of the
     * call it does not know into a 500 {@code ResponseStatusException} carrying the failure's message) is logged, and
     * answered without that message: no internals in an answer.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception error, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        if (status.is5xxServerError()) {
            LOG.error("unexpected error while handling a request", error);
            return createResponseEntity(Problems.forStatus(status, null), headers, status, request);
        }
        return super.handleExceptionInternal(error, body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                          WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? Problems.typed(detail)
                : Problems.forStatus(status, null);
        HttpHeaders problemHeaders = new HttpHeaders();
        problemHeaders.putAll(headers);
        problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, problemHeaders, status);
    }
}
