package eventshop.eventsourcing.security;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Resolves controller parameters of type {@link EdgeUser} from the request's verified edge token. */
final class EdgeUserArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return EdgeUser.class.equals(parameter.getParameterType());
    }

    @Override
    public EdgeUser resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
                                    NativeWebRequest request, WebDataBinderFactory binders) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return EdgeTokens.user(jwt.getToken());
        }
        return EdgeUser.ANONYMOUS;
    }
}
