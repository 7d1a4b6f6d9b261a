package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;

import java.net.URI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Where a route forwards to, from a service's URL ({@code eventshop.edge.services.<service>}): a fixed base URL
 * ({@code http://localhost:8085}, the embedded topology and Kubernetes' DNS names), or {@code lb://<service>}, an
 * instance that Spring Cloud LoadBalancer picks per request among those discovery (Eureka) knows (the distributed
 * topology, config/edge.yml).
 */
public final class Upstreams {

    /** The scheme of a URL that discovery resolves. */
    public static final String LOAD_BALANCED = "lb";

    private Upstreams() {
    }

    /** The filter that sends a route's request to {@code url}. */
    public static HandlerFilterFunction<ServerResponse, ServerResponse> to(URI url) {
        if (isLoadBalanced(url)) {
            return LoadBalancerFilterFunctions.lb(url.getHost());
        }
        return HandlerFilterFunction.ofRequestProcessor(uri(url));
    }

    /**
     * {@code builder} with {@code url} as its base: for {@code lb://<service>}, {@code http://<service>} resolved per
     * call by Spring Cloud LoadBalancer.
     *
     * @throws IllegalStateException for an {@code lb://} URL when no load balancer is configured
     */
    public static RestClient.Builder client(RestClient.Builder builder, URI url,
                                            ObjectProvider<LoadBalancerClient> loadBalancer) {
        if (!isLoadBalanced(url)) {
            return builder.baseUrl(url.toString());
        }
        LoadBalancerClient balancer = loadBalancer.getIfAvailable();
        if (balancer == null) {
            throw new IllegalStateException(url + " needs Spring Cloud LoadBalancer and a discovery client");
        }
        return builder.requestInterceptor(new LoadBalancerInterceptor(balancer))
                .baseUrl("http://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath()));
    }

    /** Whether {@code url} names a service for discovery to resolve rather than a host. */
    public static boolean isLoadBalanced(URI url) {
        return LOAD_BALANCED.equals(url.getScheme());
    }
}
