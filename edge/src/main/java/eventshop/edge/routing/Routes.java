package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.requestSize;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.setPath;
import static org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions.circuitBreaker;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.method;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import eventshop.edge.EdgeProperties;
import eventshop.edge.admission.CheckoutAdmission;
import eventshop.edge.security.Callers;
import eventshop.edge.sessions.Sessions;
import eventshop.edge.tokens.EdgeTokens;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * One gateway route per service: bounded request size, the caller's credentials replaced by a token
 * edge mints for the service, and a circuit breaker with a time limit around the call. What the
 * service answers — success or error — passes through unchanged; only a service edge cannot reach in
 * time becomes edge's own problem (503 or 504). The services' OpenAPI descriptions are gathered the same
 * way: {@value #API_DOCS} lists them, {@code /api/docs/<service>} is that service's {@code /v3/api-docs}.
 */
@Configuration(proxyBeanMethods = false)
class Routes {

    static final String API_DOCS = "/api/docs";
    static final String SERVICE_API_DOCS = "/v3/api-docs";

    /** The index at {@value #API_DOCS}: each service edge routes to, and where its description is. */
    record ApiDocs(List<ServiceDocs> services) {
    }

    record ServiceDocs(String name, String url) {
    }

    /**
     * An administrator's suspend, archive or forget of an account: once accounts has done it, edge ends the account's
     * sessions. A customer's own "forget me" ({@value #FORGET_ME}) ends the caller's.
     */
    static final Pattern ENDS_SESSIONS = Pattern.compile("/api/accounts/([^/]+)/(suspend|archive|forget)");
    static final String FORGET_ME = "/api/accounts/me";

    /** The checkout, which starts an order's saga: admitted within a limit on checkouts in flight. */
    static final String CHECKOUT = "/api/cart/checkout";

    @Bean
    RouterFunction<ServerResponse> serviceRoutes(EdgeProperties properties, EdgeTokens tokens, Bulkheads bulkheads,
                                                 Sessions sessions, CheckoutAdmission admission) {
        RouterFunction<ServerResponse> endingSessions = toService("accounts-lifecycle",
                path("/api/accounts/*/suspend", "/api/accounts/*/archive", "/api/accounts/*/forget")
                        .and(method(HttpMethod.POST)).or(path(FORGET_ME).and(method(HttpMethod.DELETE))), "accounts",
                properties, tokens, bulkheads)
                .after(endSessionsWhenDone(sessions))
                .build()
                .filter(rememberCaller());
        RouterFunction<ServerResponse> checkout = toService("carts-checkout",
                path(CHECKOUT).and(method(HttpMethod.POST)), "carts", properties, tokens, bulkheads)
                .filter(admission.limitCheckouts())
                .build();
        return ServiceRoute.ALL.stream()
                .map(route -> toService(route.name(), route.predicate(), route.service(), properties, tokens, bulkheads)
                        .build())
                .reduce(endingSessions.and(checkout), RouterFunction::and);
    }

    /**
     * A route that forwards the requests {@code predicate} matches to {@code service}, as every route to a service
     * does: the body at most {@link EdgeProperties#maxBodySize()} (a chunked one read whole and forwarded with its
     * length, {@link KnownLengthBodies}), the caller's credentials replaced by a services
     * token ({@link #servicesToken}), and the service's breaker and time limit around the call, a call that does not
     * reach the service answered as edge's problem ({@link UpstreamFailures}), and the service's bulkhead
     * ({@link Bulkheads}) around it, outside the breaker. The caller may add more and builds it.
     */
    static RouterFunctions.Builder toService(String id, RequestPredicate predicate, String service,
                                             EdgeProperties properties, EdgeTokens tokens, Bulkheads bulkheads) {
        return route(id)
                .route(predicate, http())
                .before(requestSize(properties.maxBodySize()))
                .before(KnownLengthBodies.atMost(properties.maxBodySize()))
                .filter(upstream(service, properties))
                .filter(bulkheads.of(service))
                .before(servicesToken(tokens))
                .filter(circuitBreaker(service));
    }

    /**
     * Sends the request to {@code service} ({@link Upstreams#to}), a call that does not reach it answered as edge's
     * problem ({@link UpstreamFailures}). Filters apply in the order they are added, the first outermost: added
     * before the breaker, this one sees what the breaker throws, and the choice of an instance too, which happens
     * outside the breaker (no instance is not a failure of the service's).
     */
    static HandlerFilterFunction<ServerResponse, ServerResponse> upstream(String service, EdgeProperties properties) {
        return UpstreamFailures.asProblems(service, properties.resilience().openStateWait())
                .andThen(Upstreams.to(properties.service(service)));
    }

    /**
     * After accounts answered a suspend or archive with success, ends the account's sessions before the
     * administrator gets the answer: from then on every request with one of the account's session tokens
     * is a 401 (a Kafka hop would leave a window in which the customer's next request gets through).
     * Changes that do not pass through edge are followed on {@code accounts.events} ({@code AccountEvents}).
     */
    /**
     * Keeps the caller's account id on the servlet request, taken where the security context holds it (outermost):
     * the service's call, and what runs after it, may run on the breaker's thread, which has none.
     */
    static HandlerFilterFunction<ServerResponse, ServerResponse> rememberCaller() {
        return (request, next) -> {
            request.servletRequest().setAttribute(CALLER, Callers.current().id());
            return next.handle(request);
        };
    }

    private static final String CALLER = Routes.class.getName() + ".caller";

    static BiFunction<ServerRequest, ServerResponse, ServerResponse> endSessionsWhenDone(Sessions sessions) {
        return (request, response) -> {
            Matcher command = ENDS_SESSIONS.matcher(request.path());
            if (response.statusCode().is2xxSuccessful() && command.matches()) {
                sessions.endAll(command.group(1), "suspend".equals(command.group(2))
                        ? Sessions.Ending.SUSPENDED : Sessions.Ending.ARCHIVED);
            } else if (response.statusCode().is2xxSuccessful() && FORGET_ME.equals(request.path())
                    && HttpMethod.DELETE.equals(request.method())
                    && request.servletRequest().getAttribute(CALLER) instanceof String caller) {
                sessions.endAll(caller, Sessions.Ending.ARCHIVED);
            }
            return response;
        };
    }

    /**
     * {@value #API_DOCS} answers the index; {@code GET /api/docs/<service>} goes to the service's own
     * description through the service's route machinery (its token, breaker and time limit), so a service
     * that is down is the usual 503 problem.
     */
    @Bean
    RouterFunction<ServerResponse> serviceDescriptions(EdgeProperties properties, EdgeTokens tokens) {
        ApiDocs index = new ApiDocs(ServiceRoute.services().stream()
                .map(service -> new ServiceDocs(service, API_DOCS + "/" + service))
                .toList());
        RouterFunction<ServerResponse> listing = route(API_DOCS + "-index")
                .route(path(API_DOCS).and(method(HttpMethod.GET)), request -> ServerResponse.ok().body(index))
                .build();
        return ServiceRoute.services().stream()
                .map(service -> route(service + "-api-docs")
                        .route(path(API_DOCS + "/" + service).and(method(HttpMethod.GET)), http())
                        .filter(upstream(service, properties))
                        .before(setPath(SERVICE_API_DOCS))
                        .before(servicesToken(tokens))
                        .filter(circuitBreaker(service))
                        .build())
                .reduce(listing, RouterFunction::and);
    }

    /**
     * Replaces whatever {@code Authorization} the client sent with a token for the services, minted for
     * the caller the security filter chain established (the anonymous caller if there was no session), naming the
     * client's address: the socket's remote address (edge has no trusted proxies, so no {@code X-Forwarded-For} a
     * client sends is believed).
     */
    static Function<ServerRequest, ServerRequest> servicesToken(EdgeTokens tokens) {
        return request -> {
            String token = tokens.mintForServices(Callers.current(), request.servletRequest().getRemoteAddr());
            return ServerRequest.from(request).headers(headers -> headers.setBearerAuth(token)).build();
        };
    }
}
