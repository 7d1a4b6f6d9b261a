package eventshop.edge.security;

import eventshop.edge.browser.BrowserSessions;
import eventshop.edge.problems.ProblemWriter;
import eventshop.edge.problems.Problems;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.EdgeTokens;
import eventshop.edgetoken.EdgeToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
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
import org.springframework.security.web.authentication.session.NullAuthenticatedSessionStrategy;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may pass edge. A request may carry a session token ({@code Authorization: Bearer}); if it does,
 * the token must verify (signature, issuer, session audience, expiry) and its server-side session must
 * still exist ({@link SessionTokenDecoder}), or the request ends here with a 401 problem. Without one the caller is anonymous. Edge does not decide what a caller may do at a
 * service — the service does, from the token edge mints for it — so every route is open to both; only
 * edge's own operations endpoints (beyond health and info) need an admin.
 *
 * <p>Browsers: on the storefront's paths (everything but {@code /api/**} and edge's own) a request without an
 * {@code Authorization} header may carry the session token in the session cookie ({@link BrowserSessions}); a
 * cookie whose session has ended makes the visitor anonymous. Because a cookie is sent by the browser whatever
 * page caused the request, every state-changing request on those paths must carry the CSRF token (Spring
 * Security's, kept in an HttpOnly cookie and handed to web to render into its forms): without it, 403. The API
 * takes no cookie, so a bearer-token call needs no CSRF token.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String LOGIN_PATH = "/api/auth/login";

    @Bean
    SecurityFilterChain edgeSecurity(HttpSecurity http, EdgeTokens tokens, Sessions sessions, ProblemWriter problems)
            throws Exception {
        AuthenticationEntryPoint unauthorized = unauthorized(problems);
        AccessDeniedHandler forbidden = forbidden(problems);
        BrowserSessions browser = new BrowserSessions(new SessionTokenDecoder(tokens.sessionDecoder(), sessions));
        CookieCsrfTokenRepository csrfTokens = new CookieCsrfTokenRepository();
        csrfTokens.setCookieCustomizer(cookie -> cookie.sameSite("Lax").path("/"));
        // no new CSRF token per authenticated request: with stateless sessions Spring Security would see every
        // cookie-authenticated request as a fresh login and rotate the token, so the token a page rendered would no
        // longer match once the page's event stream (or another tab) made a request; the login form rotates it
        http.csrf(csrf -> csrf.csrfTokenRepository(csrfTokens).requireCsrfProtectionMatcher(browserStateChanges())
                        .sessionAuthenticationStrategy(new NullAuthenticatedSessionStrategy()))
                .addFilterBefore(new SessionCookies(browser), BearerTokenAuthenticationFilter.class)
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

    /**
     * The bearer token of the request, except on login, where a stale token must not stand in the way; on the
     * storefront's paths without one, the session cookie's token if it verified ({@link SessionCookies}).
     */
    private static BearerTokenResolver sessionTokenResolver() {
        DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
        return (HttpServletRequest request) -> {
            if (LOGIN_PATH.equals(request.getRequestURI())) {
                return null;
            }
            String token = bearer.resolve(request);
            return token != null ? token : (String) request.getAttribute(SessionCookies.VERIFIED);
        };
    }

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /** State changes on the storefront's paths: a cookie may authenticate them, so they need the CSRF token. */
    private static RequestMatcher browserStateChanges() {
        return request -> !SAFE_METHODS.contains(request.getMethod())
                && BrowserSessions.isBrowserPath(request.getRequestURI());
    }

    /** Verifies a storefront request's session cookie before the bearer token filter looks for a token. */
    static final class SessionCookies extends OncePerRequestFilter {

        static final String VERIFIED = SessionCookies.class.getName() + ".token";
        private final BrowserSessions browser;

        SessionCookies(BrowserSessions browser) {
            this.browser = browser;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getHeader(HttpHeaders.AUTHORIZATION) == null && BrowserSessions.isBrowserPath(request.getRequestURI())) {
                String token = browser.verify(request, response);
                if (token != null) {
                    request.setAttribute(VERIFIED, token);
                }
            }
            chain.doFilter(request, response);
        }
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
            if (denied instanceof CsrfException) {
                problems.write(request, response, Problems.problem(HttpStatus.FORBIDDEN, "csrf", "Forbidden",
                        "the form's CSRF token is missing or does not match: reload the page and send the form again"));
                return;
            }
            challenge.handle(request, response, denied);
            problems.write(request, response, Problems.problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                    "this needs the admin role"));
        };
    }
}
