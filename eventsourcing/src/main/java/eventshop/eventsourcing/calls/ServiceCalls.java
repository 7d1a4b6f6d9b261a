package eventshop.eventsourcing.calls;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Synchronous calls from this service to another service's HTTP API (DESIGN §2: services talk
 * through Kafka, and synchronously only through HTTP APIs with circuit breakers and timeouts). One
 * {@link ServiceClient} per called service, at the URL of {@code eventshop.services.<name>.url}:
 * a {@link RestClient} (Boot's builder, so calls join the request's trace) with connect and read
 * timeouts, behind one Resilience4j circuit breaker per service, used on the caller's thread.
 *
 * <p>Calls are made <b>as the calling user</b>: the services token of the request being handled is
 * relayed, so the called service applies its own rules to the same caller (a customer's
 * {@code GET /api/payments/tokens/{token}} answers only that customer's cards).
 *
 * <p>A URL {@code lb://<service>} (the distributed topology, config/application.yml) is resolved per call by
 * Spring Cloud LoadBalancer among the instances discovery knows; the breaker stays one per service.
 * Thread-safe.
 */
public final class ServiceCalls {

    /** The scheme of a service URL that discovery resolves: {@code lb://payments}. */
    static final String LOAD_BALANCED = "lb";

    private final ServiceCallsProperties properties;
    private final ServiceEndpoints endpoints;
    private final RestClient.Builder builder;
    private final CircuitBreakerRegistry breakers;
    private final @Nullable LoadBalancerClient loadBalancer;
    private final Map<String, ServiceClient> clients = new ConcurrentHashMap<>();

    public ServiceCalls(ServiceCallsProperties properties, ServiceEndpoints endpoints, RestClient.Builder builder,
                        CircuitBreakerRegistry breakers) {
        this(properties, endpoints, builder, breakers, null);
    }

    /** @param loadBalancer resolves {@code lb://} URLs; null where none is configured (they are refused) */
    public ServiceCalls(ServiceCallsProperties properties, ServiceEndpoints endpoints, RestClient.Builder builder,
                        CircuitBreakerRegistry breakers, @Nullable LoadBalancerClient loadBalancer) {
        this.loadBalancer = loadBalancer;
        this.properties = properties;
        this.endpoints = endpoints;
        this.builder = builder;
        this.breakers = breakers;
    }

    /** The breakers' settings from the properties. */
    public static CircuitBreakerConfig breakerConfig(ServiceCallsProperties properties) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.slidingWindowSize())
                .minimumNumberOfCalls(properties.minimumCalls())
                .failureRateThreshold(properties.failureRateThreshold())
                .waitDurationInOpenState(properties.openStateWait())
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordException(ServiceClient::isFailure)
                .build();
    }

    /**
     * The client of service {@code service}.
     *
     * @throws IllegalStateException if {@code eventshop.services.<service>.url} is not set
     */
    public ServiceClient client(String service) {
        return clients.computeIfAbsent(service, this::create);
    }

    private ServiceClient create(String service) {
        ServiceEndpoints.Endpoint endpoint = endpoints.services().get(service);
        URI url = endpoint == null ? null : endpoint.url();
        if (url == null) {
            throw new IllegalStateException("no URL for the " + service + " service: set eventshop.services."
                    + service + ".url");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(properties.readTimeout());
        RestClient.Builder client = builder.clone().requestFactory(requests);
        String base = url.toString();
        if (LOAD_BALANCED.equals(url.getScheme())) {
            if (loadBalancer == null) {
                throw new IllegalStateException("eventshop.services." + service + ".url is " + url
                        + ", but no Spring Cloud LoadBalancer is configured to resolve lb:// URLs");
            }
            client.requestInterceptor(noInstanceIsUnreachable(service, new LoadBalancerInterceptor(loadBalancer)));
            base = "http://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        }
        CircuitBreaker breaker = breakers.circuitBreaker("service-" + service);
        return new ServiceClient(service, client.baseUrl(base).build(), breaker);
    }

    /**
     * Spring Cloud LoadBalancer's "No instances available for payments" (an {@link IllegalStateException}, thrown before
     * any request is sent) as what it is to the caller, a service that cannot be reached: an {@link IOException}, which
     * the client turns into a {@link ServiceUnavailable} (and a 503 at edge), not an unexplained 500.
     */
    static ClientHttpRequestInterceptor noInstanceIsUnreachable(String service, ClientHttpRequestInterceptor balanced) {
        return (request, body, execution) -> {
            try {
                return balanced.intercept(request, body, execution);
            } catch (IllegalStateException noInstance) {
                if (noInstance.getMessage() == null || !noInstance.getMessage().startsWith("No instances available")) {
                    throw noInstance;
                }
                throw new IOException("no instance of " + service + " is registered", noInstance);
            }
        };
    }
}
