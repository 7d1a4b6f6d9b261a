package eventshop.eventsourcing.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request whose {@code Accept} header cannot be parsed ({@code Accept: garbage}) gets a 406
 * {@code not-acceptable} problem at once: past this point Spring MVC could not negotiate any answer for
 * it, not even its error, and would send an empty body.
 */
public final class AcceptCheck extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
        if (!accept.isEmpty()) {
            try {
                MediaType.parseMediaTypes(accept);
            } catch (InvalidMediaTypeException malformed) {
                Problems.write(response, Problems.problem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
                        "the Accept header is malformed: send media types such as application/json"));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
