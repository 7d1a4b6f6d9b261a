package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.requestSize;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions.circuitBreaker;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import eventshop.edge.EdgeProperties;
import eventshop.edge.security.Callers;
import eventshop.edge.tokens.EdgeTokens;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * One gateway route per service: bounded request size, the caller's credentials replaced by a token
 * edge mints for the service, and a circuit breaker with a time limit around the call. What the
 * service answers — success or error — passes through unchanged; only a service edge cannot reach in
 * time becomes edge's own problem (503 or 504).
 */
@Configuration(proxyBeanMethods = false)
class Routes {

    @Bean
    RouterFunction<ServerResponse> serviceRoutes(EdgeProperties properties, EdgeTokens tokens) {
        return ServiceRoute.ALL.stream()
                .map(route -> route(route.service())
                        .route(path(route.paths().toArray(String[]::new)), http())
                        .before(requestSize(properties.maxBodySize()))
                        .before(uri(properties.service(route.service())))
                        .before(servicesToken(tokens))
                        .filter(UpstreamFailures.asProblems(route.service(), properties.resilience().openStateWait()))
                        .filter(circuitBreaker(route.service()))
                        .build())
                .reduce(RouterFunction::and)
                .orElseThrow();
    }

    /**
     * Replaces whatever {@code Authorization} the client sent with a token for the services, minted for
     * the caller the security filter chain established (the anonymous caller if there was no session).
     */
    static Function<ServerRequest, ServerRequest> servicesToken(EdgeTokens tokens) {
        return request -> {
            String token = tokens.mintForServices(Callers.current());
            return ServerRequest.from(request).headers(headers -> headers.setBearerAuth(token)).build();
        };
    }
}
