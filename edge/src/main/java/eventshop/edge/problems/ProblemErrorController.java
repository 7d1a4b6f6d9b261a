package eventshop.edge.problems;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reach a handler (a URL the firewall rejects, a status sent by a filter) still
 * answer with a problem typed by their status ({@code malformed-request} for a 400), instead of Boot's
 * default error body. What Tomcat refuses before any servlet sees it is {@link ProblemReportValve}'s.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatusCode status = code instanceof Integer value && value >= 400
                ? HttpStatusCode.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        ProblemDetail problem = Problems.forStatus(status, detail(status));
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String path) {
            problem.setInstance(URI.create(path.replace(" ", "%20")));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** What an error with only a status means, in words. */
    static String detail(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "the request is malformed: its method, its URL (an encoded '/', '\\' or NUL, a '..' above the"
                    + " root, a character not allowed), a header or its framing";
            case 404 -> "nothing here: the API is under /api/<service>/...";
            case 405 -> "this method is not allowed here";
            case 413 -> "the request is too large";
            default -> status.is5xxServerError() ? "the request failed unexpectedly" : null;
        };
    }
}
