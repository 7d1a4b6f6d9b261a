package eventshop.edge.security;

import eventshop.edge.tokens.Caller;
import eventshop.edge.tokens.EdgeTokens;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** The caller of the request being handled on this thread, as established by the security filter chain. */
public final class Callers {

    private Callers() {
    }

    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof JwtAuthenticationToken session
                ? EdgeTokens.caller(session.getToken())
                : Caller.anonymous();
    }
}
