package eventshop.edge.login;

import eventshop.edge.EdgeProperties;
import eventshop.edge.problems.EdgeProblem;
import eventshop.edge.security.Callers;
import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Login: edge asks accounts whether the credentials are good and, if so, answers with a session token
 * (HS256, audience {@code eventshop-session}) that the client sends as {@code Authorization: Bearer} on
 * every later request. {@code GET /api/auth/me} tells a client what its session says.
 */
@RestController
@RequestMapping("/api/auth")
class LoginController {

    private final Accounts accounts;
    private final EdgeTokens tokens;
    private final JsonMapper json;
    private final int maxBody;

    LoginController(Accounts accounts, EdgeTokens tokens, JsonMapper json, EdgeProperties properties) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.json = json;
        this.maxBody = (int) Math.min(Integer.MAX_VALUE - 1, properties.maxBodySize().toBytes());
    }

    @PostMapping(path = "/login", produces = MediaType.APPLICATION_JSON_VALUE)
    LoginResponse login(HttpServletRequest request) throws IOException {
        Credentials credentials = credentials(request);
        VerifiedAccount account = accounts.verify(credentials);
        EdgeTokens.Session session = tokens.mintSession(
                new Caller(account.accountId(), account.email(), List.of(account.role())));
        return new LoginResponse(session.token(), session.expiresAt(), account.accountId(), account.role());
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
