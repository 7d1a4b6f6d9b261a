package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.method;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.function.RequestPredicate;

/**
 * A route to a service: the paths that lead to it and, when not every method does, the methods.
 * Paths are forwarded unchanged (the services serve {@code /api/<service>/...} themselves). Routes are
 * tried in order, the first that matches wins.
 *
 * @param name    the route's id (unique)
 * @param service the service it leads to (its URL is {@code eventshop.edge.services.<service>})
 * @param methods the methods it takes; empty for all
 */
record ServiceRoute(String name, String service, List<String> paths, Set<HttpMethod> methods) {

    ServiceRoute(String service, List<String> paths) {
        this(service, service, paths, Set.of());
    }

    /**
     * Every route to a service's own API. The query side first: the order history and the product listing are
     * read from the views service (the CQRS read model built from every service's events); the order's own page,
     * its events, cancel, and a single product stay with their owners. The operations console's
     * ({@code /api/ops/<service>/**} to each service, the rest of {@code /api/ops/**} to web) are
     * {@link OpsRoutes}', tried before these; the storefront's are {@link WebRoutes}', tried after.
     * {@code /internal/**} is deliberately absent: it is never routed.
     */
    static final List<ServiceRoute> ALL = List.of(
            new ServiceRoute("views-reads", "views", List.of("/api/orders", "/api/catalog/products"),
                    Set.of(HttpMethod.GET)),
            new ServiceRoute("views", List.of("/api/views/**")),
            new ServiceRoute("accounts", List.of("/api/accounts", "/api/accounts/**")),
            new ServiceRoute("catalog", List.of("/api/catalog/**")),
            new ServiceRoute("inventory", List.of("/api/inventory/**")),
            new ServiceRoute("carts", List.of("/api/cart", "/api/cart/**")),
            new ServiceRoute("orders", List.of("/api/orders", "/api/orders/**")),
            new ServiceRoute("payments", List.of("/api/payments/**")));

    /** The requests this route takes: one of its paths, and one of its methods if it names any. */
    RequestPredicate predicate() {
        RequestPredicate anyMethod = path(paths.toArray(String[]::new));
        return methods.isEmpty() ? anyMethod : anyMethod.and(method(methods.toArray(HttpMethod[]::new)));
    }

    /** The services behind edge, each once. */
    static List<String> services() {
        return ALL.stream().map(ServiceRoute::service).distinct().toList();
    }
}
