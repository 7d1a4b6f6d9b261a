package eventshop.edge.security;

import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.EdgeTokens;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * A session token is good while its signature, claims and expiry verify ({@link EdgeTokens#sessionDecoder()})
 * <em>and</em> the server-side session it names still exists for its subject ({@link Sessions#isLive}):
 * logout, a suspension, an archiving or an idle session make it a 401 at once.
 */
final class SessionTokenDecoder implements JwtDecoder {

    private final JwtDecoder tokens;
    private final Sessions sessions;

    SessionTokenDecoder(JwtDecoder tokens, Sessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = tokens.decode(token);
        if (!sessions.isLive(EdgeTokens.sessionId(jwt), jwt.getSubject())) {
            throw new BadJwtException("the session has ended");
        }
        return jwt;
    }
}
