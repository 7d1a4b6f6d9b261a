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
import org.springframework.util.MultiValueMap;
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
    ResponseEntity<Void> login(HttpServletRequest request) throws java.io.IOException {
        // read from the body: the gateway's form filter hands on form posts with their parameters turned back into a
        // body (and none left as parameters)
        MultiValueMap<String, String> form = form(request);
        String email = orEmpty(form.getFirst("email"));
        String password = orEmpty(form.getFirst("password"));
        String target = localPath(form.getFirst("next"));
        if (email.isBlank() || email.length() > Credentials.MAX_EMAIL || password.isEmpty()
                || password.length() > Credentials.MAX_PASSWORD) {
            return backToLogin("invalid-credentials", email, target);
        }
        try {
            long mark = sessions.mark();
            VerifiedAccount account = accounts.verify(new Credentials(email.strip(), password), request.getRemoteAddr());
            String sessionId;
            try {
                sessionId = sessions.open(account.accountId(), mark, account.accountVersion());
            } catch (AccountSessionsEnded ended) {
                throw Accounts.mayNotLogIn(ended.ending());
            }
            EdgeTokens.Session session = tokens.mintSession(
                    new Caller(account.accountId(), account.email(), List.of(account.role())), sessionId);
            // a new CSRF token for the new session: the one used before the login is dropped with its cookie
            return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, target)
                    .header(HttpHeaders.SET_COOKIE, BrowserSessions.issue(request, session.token(), session.expiresAt(),
                            clock.instant()).toString())
                    .header(HttpHeaders.SET_COOKIE, org.springframework.http.ResponseCookie.from("XSRF-TOKEN", "")
                            .path("/").maxAge(0).httpOnly(true).sameSite("Lax").build().toString())
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

    /** The form's fields, decoded; a body over 16 KB is cut off (no login form is that long). */
    private static MultiValueMap<String, String> form(HttpServletRequest request) throws java.io.IOException {
        String body = new String(request.getInputStream().readNBytes(16 * 1024), java.nio.charset.StandardCharsets.UTF_8);
        MultiValueMap<String, String> fields = new org.springframework.util.LinkedMultiValueMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                try {
                    fields.add(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
                } catch (IllegalArgumentException malformed) {
                    // a field that is not form-encoded is left out: the login is then refused as incomplete
                }
            }
        }
        return fields;
    }

    private static String decode(String text) {
        return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
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
