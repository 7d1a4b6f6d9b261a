package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import eventshop.edge.EdgeProperties;
import eventshop.edge.tokens.EdgeTokens;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The operations console's API ({@code docs/operations.md}), for API clients with a bearer token (it is not a
 * storefront path: no cookie, no CSRF token): {@code /api/ops/<service>/**} goes to that service for each service
 * edge routes to, {@value #BREAKERS} is edge's own ({@link Breakers}), and every other {@code /api/ops/**} path
 * (the joined views: overview, correlations, sagas) goes to web. Each goes as any route to a service does
 * ({@link Routes#toService}): the services token for the caller, the service's breaker and time limit. Edge does
 * not check the admin role on the routed paths; the service does, from the token. These routes are tried before
 * every other (no other route takes an {@code /api/ops} path), the services' before web's.
 */
@Configuration(proxyBeanMethods = false)
class OpsRoutes {

    static final String OPS = "/api/ops";
    /** Edge's breakers, answered by edge itself and so never routed. */
    static final String BREAKERS = OPS + "/breakers";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    RouterFunction<ServerResponse> opsApiRoutes(EdgeProperties properties, EdgeTokens tokens, Bulkheads bulkheads) {
        Stream<RouterFunction<ServerResponse>> services = ServiceRoute.services().stream()
                .map(service -> Routes.toService("ops-" + service, path(OPS + "/" + service + "/**"), service,
                        properties, tokens, bulkheads).build());
        RouterFunction<ServerResponse> joined = Routes.toService("ops-" + WebRoutes.WEB,
                path(OPS + "/**").and(path(BREAKERS).negate()), WebRoutes.WEB, properties, tokens, bulkheads).build();
        return Stream.concat(services, Stream.of(joined)).reduce(RouterFunction::and).orElseThrow();
    }
}
