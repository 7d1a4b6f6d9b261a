package eventshop.eventsourcing.web;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A query string Tomcat cannot decode ({@code ?size=%zz}, bytes that are not UTF-8) fails when a parameter
 * is first read, inside the controller's argument resolution: a 400 {@code malformed-request}, not the 500
 * the general handler would make of it. Kept apart from {@link Problems} because it names a Tomcat class.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ParameterProblems {

    @ExceptionHandler(InvalidParameterException.class)
    public ResponseEntity<ProblemDetail> undecodable(InvalidParameterException error) {
        return ResponseEntity.badRequest().body(Problems.problem(HttpStatus.BAD_REQUEST, Problems.MALFORMED_REQUEST,
                "Bad Request", UNDECODABLE));
    }

    static final String UNDECODABLE = "the query string cannot be decoded: a '%' not followed by two hex digits,"
            + " or bytes that are not UTF-8";
}
