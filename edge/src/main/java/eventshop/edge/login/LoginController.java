package eventshop.edge.login;

import eventshop.edge.EdgeProperties;
import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.security.Callers;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.sessions.Sessions.AccountSessionsEnded;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Login: edge asks accounts whether the credentials are good and, if so, opens a server-side session
 * ({@link Sessions}) and answers with a session token (HS256, audience {@code eventshop-session}, naming the
 * session) that the client sends as {@code Authorization: Bearer} on every later request.
 * {@code GET /api/auth/me} tells a client what its session says; {@code POST /api/auth/logout} ends it (204),
 * after which the token is refused (401) — logging out again with it included.
 */
@RestController
@RequestMapping("/api/auth")
class LoginController {

    private final Accounts accounts;
    private final Sessions sessions;
    private final EdgeTokens tokens;
    private final JsonMapper json;
    private final int maxBody;

    LoginController(Accounts accounts, Sessions sessions, EdgeTokens tokens, JsonMapper json,
                    EdgeProperties properties) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.json = json;
        this.maxBody = (int) Math.min(Integer.MAX_VALUE - 1, properties.maxBodySize().toBytes());
    }

    @PostMapping(path = "/login", produces = MediaType.APPLICATION_JSON_VALUE)
    LoginResponse login(HttpServletRequest request) throws IOException {
        Credentials credentials = credentials(request);
        long mark = sessions.mark();
        VerifiedAccount account = accounts.verify(credentials, request.getRemoteAddr());
        String sessionId;
        try {
            sessionId = sessions.open(account.accountId(), mark, account.accountVersion());
        } catch (AccountSessionsEnded ended) {
            throw Accounts.mayNotLogIn(ended.ending());
        }
        EdgeTokens.Session session = tokens.mintSession(
                new Caller(account.accountId(), account.email(), List.of(account.role())), sessionId);
        return new LoginResponse(session.token(), session.expiresAt(), account.accountId(), account.role());
    }

    /** Ends the caller's session: 204; its token is refused from now on. Without a live session: 401. */
    @PostMapping("/logout")
    ResponseEntity<Void> logout() {
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken session)) {
            throw EdgeProblem.unauthorized("no session: only a live session token can log out");
        }
        sessions.end(EdgeTokens.sessionId(session.getToken()));
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    @GetMapping(path = "/me", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> me() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken session)) {
            throw EdgeProblem.unauthorized("no session: log in at /api/auth/login and send the token as a bearer token");
        }
        Caller caller = Callers.current();
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("accountId", caller.id());
        me.put("email", caller.email());
        me.put("roles", caller.roles());
        me.put("expiresAt", session.getToken().getExpiresAt());
        return ResponseEntity.ok(me);
    }

    private Credentials credentials(HttpServletRequest request) throws IOException {
        MediaType type = contentType(request);
        if (type == null || !(type.isCompatibleWith(MediaType.APPLICATION_JSON)
                || "json".equals(type.getSubtypeSuffix()))) {
            throw EdgeProblem.unsupportedMediaType("send the credentials as application/json");
        }
        if (request.getContentLengthLong() > maxBody) {
            throw EdgeProblem.payloadTooLarge(maxBody);
        }
        byte[] body = request.getInputStream().readNBytes(maxBody + 1);
        if (body.length > maxBody) {
            throw EdgeProblem.payloadTooLarge(maxBody);
        }
        return Credentials.read(json, body);
    }

    private static MediaType contentType(HttpServletRequest request) {
        try {
            return request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (RuntimeException invalid) {
            return null;
        }
    }
}
