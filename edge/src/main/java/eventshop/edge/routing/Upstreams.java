package eventshop.edge.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Where a route forwards to, from a service's URL ({@code eventshop.edge.services.<service>}): a fixed base URL
 * ({@code http://localhost:8085}, the embedded topology and Kubernetes' DNS names), or {@code lb://<service>}, an
 * instance that Spring Cloud LoadBalancer picks per request among those discovery (Eureka) knows (the distributed
 * topology, config/edge.yml). A service discovery lists no instance of fails the call with {@link NoInstanceAvailable}
 * before anything is sent.
 */
public final class Upstreams {

    /** The scheme of a URL that discovery resolves. */
    public static final String LOAD_BALANCED = "lb";

    private Upstreams() {
    }

    /**
     * The filter that sends a route's request to {@code url}. For {@code lb://<service>}, the gateway's load balancer
     * filter, which throws {@link HttpServerErrorException} 503 when it finds no instance, before it passes the
     * request on: that one is thrown as {@link NoInstanceAvailable}.
     */
    public static HandlerFilterFunction<ServerResponse, ServerResponse> to(URI url) {
        if (!isLoadBalanced(url)) {
            return HandlerFilterFunction.ofRequestProcessor(uri(url));
        }
        String service = url.getHost();
        HandlerFilterFunction<ServerResponse, ServerResponse> balanced = LoadBalancerFilterFunctions.lb(service);
        return (request, next) -> {
            AtomicBoolean chosen = new AtomicBoolean();
            try {
                return balanced.filter(request, toInstance -> {
                    chosen.set(true);
                    return next.handle(toInstance);
                });
            } catch (HttpServerErrorException noInstance) {
                if (chosen.get()) {
                    throw noInstance;
                }
                throw new NoInstanceAvailable(service, noInstance);
            }
        };
    }

    /**
     * {@code builder} with {@code url} as its base: for {@code lb://<service>}, {@code http://<service>} resolved per
     * call by Spring Cloud LoadBalancer, whose {@link IllegalStateException} for a service with no instance (thrown
     * before the request is sent) is thrown as {@link NoInstanceAvailable}.
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
        return builder.requestInterceptor(typingNoInstance(new LoadBalancerInterceptor(balancer)))
                .baseUrl("http://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath()));
    }

    private static ClientHttpRequestInterceptor typingNoInstance(ClientHttpRequestInterceptor balanced) {
        return (request, body, execution) -> {
            AtomicBoolean chosen = new AtomicBoolean();
            try {
                return balanced.intercept(request, body, (toInstance, sent) -> {
                    chosen.set(true);
                    return execution.execute(toInstance, sent);
                });
            } catch (IllegalStateException noInstance) {
                if (chosen.get()) {
                    throw noInstance;
                }
                throw new NoInstanceAvailable(request.getURI().getHost(), noInstance);
            }
        };
    }

    /** Whether {@code url} names a service for discovery to resolve rather than a host. */
    public static boolean isLoadBalanced(URI url) {
        return LOAD_BALANCED.equals(url.getScheme());
    }
}
