package eventshop.edge.login;

import eventshop.edge.browser.BrowserSessions;
import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.sessions.Sessions.AccountSessionsEnded;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The storefront's login and logout forms (the pages are web's; the sessions are edge's). {@code POST /login}
 * checks the credentials exactly as {@code POST /api/auth/login} does, opens the same kind of server-side session
 * and sets its token as the HttpOnly, SameSite=Lax session cookie, then sends the browser to {@code next} (a path
 * of this site only). A refused login goes back to the login page with the problem's type ({@code error}) and the
 * e-mail typed; the password is never sent back. {@code POST /logout} ends the session and deletes the cookie.
 * Both forms carry the CSRF token (checked by the security filter chain).
 */
@Controller
class BrowserLoginController {

    private final Accounts accounts;
    private final Sessions sessions;
    private final EdgeTokens tokens;
    private final Clock clock;

    BrowserLoginController(Accounts accounts, Sessions sessions, EdgeTokens tokens) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.clock = Clock.systemUTC();
    }

    @PostMapping(path = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Void> login(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                               @RequestParam(required = false) @Nullable String next, HttpServletRequest request) {
        String target = localPath(next);
        if (email.isBlank() || email.length() > Credentials.MAX_EMAIL || password.isEmpty()
                || password.length() > Credentials.MAX_PASSWORD) {
            return backToLogin("invalid-credentials", email, target);
        }
        try {
            long mark = sessions.mark();
            VerifiedAccount account = accounts.verify(new Credentials(email.strip(), password));
            String sessionId;
            try {
                sessionId = sessions.open(account.accountId(), mark, account.accountVersion());
            } catch (AccountSessionsEnded ended) {
                throw Accounts.mayNotLogIn(ended.ending());
            }
            EdgeTokens.Session session = tokens.mintSession(
                    new Caller(account.accountId(), account.email(), List.of(account.role())), sessionId);
            return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, target)
                    .header(HttpHeaders.SET_COOKIE, BrowserSessions.issue(request, session.token(), session.expiresAt(),
                            clock.instant()).toString())
                    .build();
        } catch (EdgeProblem refused) {
            String type = refused.problem().getType() == null ? "" : refused.problem().getType().toString();
            return backToLogin(type.substring(type.lastIndexOf('/') + 1), email, target);
        }
    }

    @PostMapping("/logout")
    ResponseEntity<Void> logout(HttpServletRequest request, HttpServletResponse response) {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken session) {
            sessions.end(EdgeTokens.sessionId(session.getToken()));
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, "/")
                .header(HttpHeaders.SET_COOKIE, BrowserSessions.clear(request).toString()).build();
    }

    private static ResponseEntity<Void> backToLogin(String error, String email, String next) {
        String location = UriComponentsBuilder.fromPath("/login").queryParam("error", "{error}")
                .queryParam("email", "{email}").queryParam("next", "{next}").encode()
                .buildAndExpand(error, email.length() > Credentials.MAX_EMAIL ? "" : email.strip(), next).toUriString();
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, location).build();
    }

    /** {@code next} if it is a path of this site; {@code /} otherwise (no open redirect). */
    static String localPath(@Nullable String next) {
        if (next == null || next.length() > 500 || !next.startsWith("/") || next.startsWith("//")
                || next.contains("\\") || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }
}
