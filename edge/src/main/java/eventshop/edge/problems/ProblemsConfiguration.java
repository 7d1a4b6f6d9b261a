package eventshop.edge.problems;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What makes errors that never reach edge's handlers problems too: Tomcat's error report
 * ({@link ProblemReportValve}), a malformed {@code Accept} header, answered 406 at once (past this
 * point Spring MVC could negotiate no answer for it, not even its error, and would send an empty body), and a
 * malformed {@code Content-Type} or one with a wildcard ({@code *}{@code /*}, {@code application/*}), answered 415 at
 * once (Spring's request headers refuse to hold one: it failed finding the route, an unexpected error).
 */
@Configuration(proxyBeanMethods = false)
class ProblemsConfiguration {

    /** After Boot's own customizer, which adds Tomcat's error report valve. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemReportValve() {
        return factory -> factory.addContextCustomizers(ProblemReportValve::install);
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> mediaTypeChecks(ProblemWriter problems) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                    FilterChain chain) throws ServletException, IOException {
                        List<String> accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
                        if (!parses(accept)) {
                            problems.write(request, response, Problems.problem(HttpStatus.NOT_ACCEPTABLE,
                                    "not-acceptable", "Not acceptable",
                                    "the Accept header is malformed: send media types such as application/json"));
                            return;
                        }
                        String contentType = request.getContentType();
                        if (contentType != null && !contentType.isBlank() && !readable(contentType)) {
                            problems.write(request, response, Problems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                                    "unsupported-media-type", "Unsupported media type",
                                    "the Content-Type is malformed or a wildcard: say what the body is, such as"
                                            + " application/json"));
                            return;
                        }
                        chain.doFilter(request, response);
                    }
                });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /**
     * Whether Spring can read these media types: not only a malformed one fails, some fail Spring's parser itself
     * ({@code ""x} is a {@link StringIndexOutOfBoundsException}), which past this point is an unexpected error.
     */
    private static boolean parses(List<String> mediaTypes) {
        try {
            MediaType.parseMediaTypes(mediaTypes);
            return true;
        } catch (InvalidMediaTypeException | IndexOutOfBoundsException malformed) {
            return false;
        }
    }

    /** Whether a body's type is one media type without a wildcard, as Spring's request headers take it. */
    private static boolean readable(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException | IndexOutOfBoundsException malformed) {
            return false;
        }
    }
}
