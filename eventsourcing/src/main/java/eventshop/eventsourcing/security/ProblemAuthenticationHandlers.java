package eventshop.eventsourcing.security;

import eventshop.eventsourcing.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 as problem responses: {@code /problems/unauthorized} (no token, or one edge did not
 * mint, or the anonymous caller at an endpoint that needs an account) and {@code /problems/forbidden}
 * (an account without the role the endpoint needs).
 */
final class ProblemAuthenticationHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    static ProblemDetail unauthorized(String detail) {
        return Problems.problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    }

    static ProblemDetail forbidden() {
        return Problems.problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                "this account may not do that");
    }

    /** 401 for the anonymous caller (log in first), 403 for an account lacking the role. */
    static ProblemDetail denied(Authentication authentication) {
        if (authentication instanceof JwtAuthenticationToken jwt && !EdgeTokens.user(jwt.getToken()).isAnonymous()) {
            return forbidden();
        }
        return unauthorized("log in first: this needs an account");
    }

    @Override
    public void commence(jakarta.servlet.http.HttpServletRequest request, HttpServletResponse response,
                         AuthenticationException exception) throws IOException {
        write(response, unauthorized("a valid token minted by edge is required; call the service through edge"));
    }

    @Override
    public void handle(jakarta.servlet.http.HttpServletRequest request, HttpServletResponse response,
                       AccessDeniedException exception) throws IOException {
        write(response, denied(SecurityContextHolder.getContext().getAuthentication()));
    }

    static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (!response.isCommitted() && problem.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        Problems.write(response, problem);
    }
}
