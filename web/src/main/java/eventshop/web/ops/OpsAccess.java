package eventshop.web.ops;

import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.web.site.SignIn;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The console is the admin's (docs/operations.md, "Who may look"), checked before any of its handlers runs, so
 * that no service is called for anyone else:
 * <ul>
 *   <li>{@code /api/ops/**}: the starter's problems, 401 without a signed-in user, 403 for a customer
 *       ({@link AccessDeniedException}, answered by its {@code AccessDeniedProblems});</li>
 *   <li>{@code /ops/**} pages: the login page for a visitor ({@code /login?next=...}), the 403 page for a
 *       customer ({@link NotTheAdmin}).</li>
 * </ul>
 * An async dispatch (a live stream ending) was let through when it began.
 */
final class OpsAccess implements HandlerInterceptor {

    static final String API = "/api/ops";

    /** A signed-in user who is not the admin asked for a console page. */
    static final class NotTheAdmin extends RuntimeException {

        NotTheAdmin() {
            super("the operations console is the admin's", null, false, false);
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!(handler instanceof HandlerMethod) || request.getDispatcherType() == DispatcherType.ASYNC) {
            return true;
        }
        EdgeUser caller = SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken jwt
                ? EdgeTokens.user(jwt.getToken()) : EdgeUser.ANONYMOUS;
        if (caller.hasRole(EdgeToken.ADMIN)) {
            return true;
        }
        if (request.getRequestURI().startsWith(API + "/") || request.getRequestURI().equals(API)) {
            throw new AccessDeniedException("the operations console is the admin's");
        }
        if (caller.isAnonymous()) {
            response.sendRedirect(SignIn.loginPage(request));
            return false;
        }
        throw new NotTheAdmin();
    }
}
