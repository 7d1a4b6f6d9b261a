package eventshop.eventsourcing.calls;

/**
 * A service this one calls could not give an answer: it cannot be reached, it answered with a
 * server error or something unreadable, it was too slow, or its circuit breaker is open. The shared
 * problem handler answers 503 {@code service-unavailable} with {@code Retry-After}; the request that
 * needed the call changes nothing.
 */
public class ServiceUnavailable extends RuntimeException {

    private final String service;

    public ServiceUnavailable(String service, String why, Throwable cause) {
        super("the " + service + " service " + why + "; try again shortly", cause);
        this.service = service;
    }

    /** The service that could not answer. */
    public String service() {
        return service;
    }
}
