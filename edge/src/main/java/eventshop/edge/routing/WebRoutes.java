package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.requestSize;
import static org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions.circuitBreaker;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.method;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import eventshop.edge.EdgeProperties;
import eventshop.edge.browser.BrowserSessions;
import eventshop.edge.tokens.EdgeTokens;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The storefront's routes: every path that is not the API's ({@code /api/**}) nor edge's own (actuator, the
 * API description and its UI) goes to web, with the services token edge mints for the caller (a browser session
 * cookie's customer, or the anonymous caller) and the request's CSRF token in {@value #CSRF_HEADER} for web to
 * render into its forms. Pages go through the breaker and its time limit like the API; the live streams
 * ({@code .../live}, server-sent events) have their own route without a time limit: the gateway copies a
 * {@code text/event-stream} answer with a flush after every read (its streaming media types), so each event
 * reaches the browser as web sends it. A web that cannot be reached is edge's 503 problem on both
 * ({@link Routes#upstream}).
 */
@Configuration(proxyBeanMethods = false)
class WebRoutes {

    /** Web's name: its URL is {@code eventshop.edge.services.web}, its breaker and its pages' route are named so. */
    static final String WEB = "web";
    /** The header web reads the CSRF token from (web's {@code Csrf.HEADER}); whatever the client sent is replaced. */
    static final String CSRF_HEADER = "X-Eventshop-Csrf";
    static final String[] LIVE = {"/orders/*/live", "/products/*/live", "/account/live", "/ops/live", "/ops/live/**"};

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    RouterFunction<ServerResponse> storefrontRoutes(EdgeProperties properties, EdgeTokens tokens) {
        RequestPredicate storefront = request -> BrowserSessions.isBrowserPath(request.path())
                && !(HttpMethod.POST.equals(request.method()) && BrowserSessions.EDGE_FORMS.contains(request.path()));
        RouterFunction<ServerResponse> live = route("web-live")
                .route(path(LIVE).and(method(HttpMethod.GET)).and(storefront), http())
                .filter(Routes.upstream(WEB, properties))
                .before(Routes.servicesToken(tokens))
                .before(csrfToken())
                .build();
        RouterFunction<ServerResponse> pages = route(WEB)
                .route(path("/", "/**").and(storefront), http())
                .before(requestSize(properties.maxBodySize()))
                .before(KnownLengthBodies.atMost(properties.maxBodySize()))
                .filter(Routes.upstream(WEB, properties))
                .before(Routes.servicesToken(tokens))
                .before(csrfToken())
                .filter(circuitBreaker(WEB))
                .build();
        return live.and(pages);
    }

    /** Hands the request's CSRF token (Spring Security's, masked per request) to web; never the client's header. */
    static Function<ServerRequest, ServerRequest> csrfToken() {
        return request -> {
            Object attribute = request.servletRequest().getAttribute(CsrfToken.class.getName());
            String token = attribute instanceof CsrfToken csrf ? csrf.getToken() : "";
            return ServerRequest.from(request).headers(headers -> headers.set(CSRF_HEADER, token)).build();
        };
    }
}
