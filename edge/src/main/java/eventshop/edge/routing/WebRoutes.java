package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.requestSize;
import static org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions.circuitBreaker;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.method;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import eventshop.edge.EdgeProperties;
import eventshop.edge.admission.CheckoutAdmission;
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
import org.springframework.web.servlet.function.RouterFunctions;
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
    /**
     * The header with which edge hands web a storefront checkout it refused for overload (the seconds after which to
     * try again; web's {@code CheckoutPages.OVERLOADED}); whatever the client sent is removed.
     */
    static final String OVERLOADED_HEADER = "X-Eventshop-Overloaded";
    static final String[] LIVE = {"/orders/*/live", "/products/*/live", "/account/live", "/ops/live", "/ops/live/**"};

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    RouterFunction<ServerResponse> storefrontRoutes(EdgeProperties properties, EdgeTokens tokens,
                                                    CheckoutAdmission admission) {
        RequestPredicate storefront = request -> BrowserSessions.isBrowserPath(request.path())
                && !(HttpMethod.POST.equals(request.method()) && BrowserSessions.EDGE_FORMS.contains(request.path()));
        RouterFunction<ServerResponse> live = route("web-live")
                .route(path(LIVE).and(method(HttpMethod.GET)).and(storefront), http())
                .filter(Routes.upstream(WEB, properties))
                .before(Routes.servicesToken(tokens))
                .before(csrfToken())
                .build();
        // the checkout form, admitted within the limit on checkouts in flight as the API's checkout is
        RouterFunction<ServerResponse> checkout = toWeb("web-checkout",
                path("/checkout").and(method(HttpMethod.POST)).and(storefront), properties, tokens)
                .filter(admission.limitStorefrontCheckouts(OVERLOADED_HEADER))
                .build();
        RouterFunction<ServerResponse> pages = toWeb(WEB, path("/", "/**").and(storefront), properties, tokens).build();
        return live.and(checkout).and(pages);
    }

    /** A route of pages to web: bounded body, the caller's services token, the CSRF token, web's breaker. */
    private static RouterFunctions.Builder toWeb(String id, RequestPredicate predicate, EdgeProperties properties,
                                                 EdgeTokens tokens) {
        return route(id)
                .route(predicate, http())
                .before(requestSize(properties.maxBodySize()))
                .before(KnownLengthBodies.atMost(properties.maxBodySize()))
                .filter(Routes.upstream(WEB, properties))
                .before(Routes.servicesToken(tokens))
                .before(csrfToken())
                .before(request -> ServerRequest.from(request)
                        .headers(headers -> headers.remove(OVERLOADED_HEADER)).build())
                .filter(circuitBreaker(WEB));
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
