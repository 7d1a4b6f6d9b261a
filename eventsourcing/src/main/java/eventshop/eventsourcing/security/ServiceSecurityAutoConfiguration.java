package eventshop.eventsourcing.security;

import eventshop.edgetoken.EdgeToken;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every service accepts only requests that carry a token edge minted ({@link EdgeToken}): an
 * OAuth2 resource server over {@link EdgeTokens#decoder} for {@link EdgeToken#SERVICES_AUDIENCE},
 * stateless, roles from the {@code roles} claim as {@code ROLE_*} authorities, method security on
 * ({@code @PreAuthorize("hasRole('CUSTOMER')")}), {@link EdgeUser} controller parameters, and 401/403
 * problem responses. Health (and its probes, {@code /actuator/health/**}) and the OpenAPI description are
 * open; every other actuator endpoint (info, Prometheus, metrics, the starter's own) and the operations
 * console's ({@code /api/ops/**}) need {@code ADMIN}: without a token 401, with a customer's 403 — a
 * Prometheus scraper sends a services token with the admin role. On in every servlet service with Spring
 * Security on the classpath unless {@code eventshop.security.enabled=false}.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnClass({SecurityFilterChain.class, JwtDecoder.class, JwtAuthenticationConverter.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "eventshop.security", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ServiceSecurityProperties.class)
@EnableWebSecurity
@EnableMethodSecurity
public class ServiceSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public EdgeTokens edgeTokens(ServiceSecurityProperties properties, ObjectProvider<Clock> clock) {
        return EdgeTokens.fromBase64(properties.tokenSecret(), properties.previousTokenSecrets(),
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    public JwtDecoder edgeTokenDecoder(EdgeTokens tokens) {
        return tokens.decoder(EdgeToken.SERVICES_AUDIENCE);
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    public SecurityFilterChain edgeTokenSecurity(HttpSecurity http, JwtDecoder decoder) throws Exception {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName(EdgeToken.ROLES);
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        ProblemAuthenticationHandlers problems = new ProblemAuthenticationHandlers();
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/v3/api-docs", "/v3/api-docs/**",
                                "/error").permitAll()
                        .requestMatchers("/actuator/**", "/api/ops/**").hasRole(EdgeToken.ADMIN)
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems));
        return http.build();
    }

    @Bean
    public AccessDeniedProblems accessDeniedProblems() {
        return new AccessDeniedProblems();
    }

    @Bean
    public WebMvcConfigurer edgeUserParameters() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new EdgeUserArgumentResolver());
            }
        };
    }

    /**
     * {@code eventshop.security.enabled=false}: the service is open (no token needed), as a test
     * or a tool may want; logged loudly, since without this Spring Boot would fall back to its own
     * generated-password login instead.
     */
    @AutoConfiguration(beforeName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
    @ConditionalOnClass(SecurityFilterChain.class)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnProperty(prefix = "eventshop.security", name = "enabled", havingValue = "false")
    @EnableWebSecurity
    public static class Disabled {

        @Bean
        @ConditionalOnMissingBean(SecurityFilterChain.class)
        public SecurityFilterChain openSecurity(HttpSecurity http) throws Exception {
            org.slf4j.LoggerFactory.getLogger(ServiceSecurityAutoConfiguration.class).warn(
                    "eventshop.security.enabled=false: this service accepts requests without an edge token");
            http.csrf(csrf -> csrf.disable())
                    .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
    }
}
