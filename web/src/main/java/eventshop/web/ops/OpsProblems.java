package eventshop.web.ops;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.web.Problems;
import eventshop.web.calls.NotFound;
import eventshop.web.calls.Refused;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The console's JSON errors as the services' ({@code application/problem+json}, typed by the starter's
 * {@link Problems}): 404 for what the services do not know, a service's refusal with its status and words, 503
 * with {@code Retry-After} when a service the answer needs does not answer. 401 and 403 are the starter's.
 */
@RestControllerAdvice(assignableTypes = OpsJson.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class OpsProblems {

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ProblemDetail> notFound(NotFound missing) {
        return answer(Problems.problem(HttpStatus.NOT_FOUND, "not-found", "Not Found", "no " + missing.getMessage()));
    }

    @ExceptionHandler(Refused.class)
    ResponseEntity<ProblemDetail> refused(Refused refused) {
        HttpStatus shown = HttpStatus.valueOf(refused.clientStatus());
        return answer(Problems.problem(shown, refused.slug().isEmpty() ? Problems.slug(shown) : refused.slug(),
                shown.getReasonPhrase(), refused.detail()));
    }

    @ExceptionHandler(ServiceUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(ServiceUnavailable failure) {
        ProblemDetail problem = Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
                "Service Unavailable", failure.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
