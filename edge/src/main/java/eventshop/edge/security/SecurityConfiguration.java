package eventshop.edge.security;

import eventshop.edge.problems.ProblemWriter;
import eventshop.edge.problems.Problems;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.EdgeTokens;
import eventshop.edgetoken.EdgeToken;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Who may pass edge. A request may carry a session token ({@code Authorization: Bearer}); if it does,
 * the token must verify (signature, issuer, session audience, expiry) and its server-side session must
 * still exist ({@link SessionTokenDecoder}), or the request ends here with a 401 problem. Without one the caller is anonymous. Edge does not decide what a caller may do at a
 * service — the service does, from the token edge mints for it — so every route is open to both; only
 * edge's own operations endpoints (beyond health and info) need an admin.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String LOGIN_PATH = "/api/auth/login";

    @Bean
    SecurityFilterChain edgeSecurity(HttpSecurity http, EdgeTokens tokens, Sessions sessions, ProblemWriter problems)
            throws Exception {
        AuthenticationEntryPoint unauthorized = unauthorized(problems);
        AccessDeniedHandler forbidden = forbidden(problems);
        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(management -> management.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/actuator/**").hasRole(EdgeToken.ADMIN)
                        .anyRequest().permitAll())
                .oauth2ResourceServer(server -> server
                        .bearerTokenResolver(sessionTokenResolver())
                        .jwt(jwt -> jwt
                                .decoder(new SessionTokenDecoder(tokens.sessionDecoder(), sessions))
                                .jwtAuthenticationConverter(roles()))
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden));
        return http.build();
    }

    /** The bearer token of the request, except on login, where a stale token must not stand in the way. */
    private static BearerTokenResolver sessionTokenResolver() {
        DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
        return (HttpServletRequest request) -> LOGIN_PATH.equals(request.getRequestURI()) ? null : bearer.resolve(request);
    }

    private static JwtAuthenticationConverter roles() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName(EdgeToken.ROLES);
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        return converter;
    }

    private static AuthenticationEntryPoint unauthorized(ProblemWriter problems) {
        BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
        return (request, response, failure) -> {
            challenge.commence(request, response, failure);
            String detail = failure instanceof OAuth2AuthenticationException
                    ? "the bearer token is invalid, expired or its session has ended; log in again"
                    : "this needs a session token: log in at " + LOGIN_PATH;
            problems.write(request, response, Problems.problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail));
        };
    }

    private static AccessDeniedHandler forbidden(ProblemWriter problems) {
        BearerTokenAccessDeniedHandler challenge = new BearerTokenAccessDeniedHandler();
        return (request, response, denied) -> {
            challenge.handle(request, response, denied);
            problems.write(request, response, Problems.problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                    "this needs the admin role"));
        };
    }
}
