package eventshop.edge.routing;

import java.util.List;

/**
 * A service behind edge and the paths that lead to it. Paths are forwarded unchanged (the services
 * serve {@code /api/<service>/...} themselves).
 */
record ServiceRoute(String service, List<String> paths) {

    /** Every service edge routes to. {@code /internal/**} is deliberately absent: it is never routed. */
    static final List<ServiceRoute> ALL = List.of(
            new ServiceRoute("accounts", List.of("/api/accounts", "/api/accounts/**")),
            new ServiceRoute("catalog", List.of("/api/catalog/**")),
            new ServiceRoute("inventory", List.of("/api/inventory/**")),
            new ServiceRoute("carts", List.of("/api/cart", "/api/cart/**")),
            new ServiceRoute("orders", List.of("/api/orders", "/api/orders/**")),
            new ServiceRoute("payments", List.of("/api/payments/**")));
}
