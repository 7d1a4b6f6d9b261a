package eventshop.eventsourcing.web;

import org.springframework.web.context.request.WebRequest;
import org.springframework.http.converter.HttpMessageNotReadableException;
import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.WrongExpectedVersion;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where errors become RFC 9457 problem responses ({@code application/problem+json}),
 * each kind with a stable {@code type} ({@code /problems/<slug>}). Spring MVC's own errors (malformed
 * JSON, wrong types, missing parameters, unsupported media types) come from the base class as
 * problems too; anything unexpected is a 500 problem without internals, logged here.
 */
@RestControllerAdvice
public class Problems extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    /** The {@code type} URI of a problem kind. */
    public static URI type(String slug) {
        return URI.create("/problems/" + slug);
    }

    /** A problem of a given kind. */
    public static ProblemDetail problem(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }

    @ExceptionHandler(DomainError.class)
    public ResponseEntity<ProblemDetail> domainError(DomainError error) {
        HttpStatus status = switch (error.kind()) {
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
        };
        String title = error.slug().replace('-', ' ');
        return respond(problem(status, error.slug(), Character.toUpperCase(title.charAt(0)) + title.substring(1),
                error.getMessage()));
    }

    @ExceptionHandler(WrongExpectedVersion.class)
    public ResponseEntity<ProblemDetail> conflict(WrongExpectedVersion error) {
        return respond(problem(HttpStatus.CONFLICT, "concurrent-modification", "Concurrent modification",
                "the resource was changed by another request at the same time; retry"));
    }

    @ExceptionHandler(DuplicateEventId.class)
    public ResponseEntity<ProblemDetail> duplicate(DuplicateEventId error) {
        return respond(problem(HttpStatus.CONFLICT, "duplicate-request", "Duplicate request", error.getMessage()));
    }

    @ExceptionHandler(InvalidRequest.class)
    public ResponseEntity<ProblemDetail> invalid(InvalidRequest error) {
        return respond(problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", error.getMessage()));
    }

    @ExceptionHandler(InvalidConsistencyToken.class)
    public ResponseEntity<ProblemDetail> invalidToken(InvalidConsistencyToken error) {
        return respond(problem(HttpStatus.BAD_REQUEST, "invalid-consistency-token", "Invalid consistency token",
                error.getMessage()));
    }

    @ExceptionHandler(NotYetConsistent.class)
    public ResponseEntity<ProblemDetail> notYetConsistent(NotYetConsistent error) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "not-yet-consistent", "Not yet consistent",
                error.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    /** A service this one needed could not answer: 503 with Retry-After, nothing changed. */
    @ExceptionHandler(ServiceUnavailable.class)
    public ResponseEntity<ProblemDetail> serviceUnavailable(ServiceUnavailable error) {
        LOG.warn("{}", error.getMessage());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                error.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    /** A malformed body is a 400; one cut off by {@link RequestSizeLimit} a 413. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException error,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.RequestTooLarge tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(RequestSizeLimit.tooLarge(tooLarge.maxBytes));
            }
        }
        return super.handleHttpMessageNotReadable(error, headers, status, request);
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> unexpected(Exception error) {
        LOG.error("unexpected error while handling a request", error);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the request failed unexpectedly; nothing was changed unless a response said so"));
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }
}
