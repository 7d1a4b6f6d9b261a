package eventshop.edge.routing;

/**
 * A call to {@code lb://<service>} for which Spring Cloud LoadBalancer found no instance: discovery lists none (or no
 * load balancer is configured). The service is absent rather than failing: edge answers 503 {@code service-unavailable}
 * with {@code Retry-After} ({@link UpstreamFailures}), and the service's breaker does not count it
 * ({@link ResilienceConfiguration}), so the first instance to register is called at once.
 */
public final class NoInstanceAvailable extends RuntimeException {

    NoInstanceAvailable(String service, Throwable cause) {
        super("no instance of " + service + " is available: " + cause.getMessage(), cause);
    }
}
