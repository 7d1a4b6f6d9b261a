package eventshop.edge.browser;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Browser sessions: the same server-side session and session token as the API's ({@code POST /api/auth/login}),
 * carried in an HttpOnly, SameSite=Lax cookie ({@value #COOKIE}) instead of an {@code Authorization} header, and
 * only on the storefront's paths (never on {@code /api/**}, which stays bearer-only and so needs no CSRF token).
 * A cookie whose session has ended (logout elsewhere, suspension, archiving, idle, expiry) makes the visitor
 * anonymous and is deleted, rather than turning every page into a 401.
 */
public final class BrowserSessions {

    /** The session cookie's name. */
    public static final String COOKIE = "eventshop_session";
    /** The storefront's forms that edge answers itself ({@code POST}): login and logout open and end sessions. */
    public static final java.util.Set<String> EDGE_FORMS = java.util.Set.of("/login", "/logout");

    /** The request attribute holding the cookie's token once it verified. */
    static final String VERIFIED = BrowserSessions.class.getName() + ".token";

    private final JwtDecoder sessionTokens;

    public BrowserSessions(JwtDecoder sessionTokens) {
        this.sessionTokens = sessionTokens;
    }

    /**
     * Whether a request to {@code path} is the storefront's (cookie sessions, CSRF, routed to web) rather than the
     * API's, edge's own (its error page included), or {@code /internal/**} (never routed anywhere).
     */
    public static boolean isBrowserPath(String path) {
        return !(path.equals("/api") || path.startsWith("/api/") || path.startsWith("/actuator")
                || path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui") || path.equals("/internal")
                || path.startsWith("/internal/") || path.equals("/error"));
    }

    /**
     * The session token of the request's cookie if it still names a live session (remembered for the bearer
     * token resolver); a dead one is deleted. Null without a usable cookie.
     */
    public @Nullable String verify(HttpServletRequest request, HttpServletResponse response) {
        Object known = request.getAttribute(VERIFIED);
        if (known instanceof String token) {
            return token;
        }
        String token = cookie(request);
        if (token == null) {
            return null;
        }
        try {
            sessionTokens.decode(token);
            request.setAttribute(VERIFIED, token);
            return token;
        } catch (JwtException ended) {
            response.addHeader("Set-Cookie", clear(request).toString());
            return null;
        }
    }

    /** The verified token of this request, if {@link #verify} found one. */
    static @Nullable String verified(HttpServletRequest request) {
        return request.getAttribute(VERIFIED) instanceof String token ? token : null;
    }

    static @Nullable String cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName()) && cookie.getValue() != null && !cookie.getValue().isBlank()
                    && cookie.getValue().length() < 4096) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** The cookie carrying a new session's token until the token expires. */
    public static ResponseCookie issue(HttpServletRequest request, String token, Instant expiresAt, Instant now) {
        return base(request, token).maxAge(Duration.between(now, expiresAt)).build();
    }

    /** A cookie that deletes the session cookie. */
    public static ResponseCookie clear(HttpServletRequest request) {
        return base(request, "").maxAge(Duration.ZERO).build();
    }

    private static ResponseCookie.ResponseCookieBuilder base(HttpServletRequest request, String value) {
        return ResponseCookie.from(COOKIE, value).httpOnly(true).sameSite("Lax").path("/").secure(request.isSecure());
    }
}
