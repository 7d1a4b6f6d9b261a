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
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
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
 * service — the service does, from the token edge mints for it — so every route is open to both (the operations
 * console's {@code /api/ops/**} included: the services and web check the admin role); only edge's own operations
 * endpoints (the actuator beyond health and its probes — info too —, its breakers at {@value #BREAKERS}) need an
 * admin: 401 without a session, 403 for a customer.
 *
 * <p>{@value #INTERNAL_OPS} is web's way to edge's breakers for the console: web calls it server-side with the
 * services token edge minted for the admin's page request. Its own filter chain, before the main one, takes only
 * such a token (signature, issuer, services audience, expiry) carrying the admin role: a session token is a 401
 * there, a customer's services token a 403. No other {@code /internal} path is served or routed.
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
    /** Edge's circuit breakers for an admin's API client (the routing's {@code Breakers}). */
    static final String BREAKERS = "/api/ops/breakers";
    /** Edge's breakers for web, with a services token. */
    static final String INTERNAL_OPS = "/internal/ops/**";
    /** Edge's metrics for a scraper, with the services token {@code store token} prints, as at every service. */
    static final String PROMETHEUS = "/actuator/prometheus";

    /**
     * The chain of {@value #INTERNAL_OPS} and {@value #PROMETHEUS}: stateless, a services token with the admin role,
     * nothing else.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain internalOpsSecurity(HttpSecurity http, EdgeTokens tokens, ProblemWriter problems) throws Exception {
        AuthenticationEntryPoint unauthorized = unauthorized(problems,
                "this needs the services token edge minted for an admin's request",
                "the bearer token is not a services token edge minted, or it has expired (a session token is not one)");
        AccessDeniedHandler forbidden = forbidden(problems);
        // a bearer token is the only credential here, never a cookie: nothing for a CSRF token to protect
        stateless(http).securityMatcher(INTERNAL_OPS, PROMETHEUS)
                .csrf(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(requests -> requests.anyRequest().hasRole(EdgeToken.ADMIN))
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(tokens.servicesDecoder()).jwtAuthenticationConverter(roles()))
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden));
        return http.build();
    }

    @Bean
    SecurityFilterChain edgeSecurity(HttpSecurity http, EdgeTokens tokens, Sessions sessions, ProblemWriter problems)
            throws Exception {
        AuthenticationEntryPoint unauthorized = unauthorized(problems, "this needs a session token: log in at " + LOGIN_PATH,
                "the bearer token is invalid, expired or its session has ended; log in again");
        AccessDeniedHandler forbidden = forbidden(problems);
        BrowserSessions browser = new BrowserSessions(new SessionTokenDecoder(tokens.sessionDecoder(), sessions));
        CookieCsrfTokenRepository csrfTokens = new CookieCsrfTokenRepository();
        csrfTokens.setCookieCustomizer(cookie -> cookie.sameSite("Lax").path("/"));
        // no new CSRF token per authenticated request: with stateless sessions Spring Security would see every
        // cookie-authenticated request as a fresh login and rotate the token, so the token a page rendered would no
        // longer match once the page's event stream (or another tab) made a request; the login form rotates it
        stateless(http).csrf(csrf -> csrf.csrfTokenRepository(csrfTokens).requireCsrfProtectionMatcher(browserStateChanges())
                        .sessionAuthenticationStrategy(new NullAuthenticatedSessionStrategy()))
                .addFilterBefore(new SessionCookies(browser), BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/**", BREAKERS).hasRole(EdgeToken.ADMIN)
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

    /** No form login, basic auth, logout page or saved requests; no HTTP session: every request shows its token. */
    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(management -> management.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
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

    /** 401 problems: {@code missing} without a token, {@code invalid} for a token that did not verify. */
    private static AuthenticationEntryPoint unauthorized(ProblemWriter problems, String missing, String invalid) {
        BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
        return (request, response, failure) -> {
            challenge.commence(request, response, failure);
            String detail = failure instanceof OAuth2AuthenticationException ? invalid : missing;
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
