package eventshop.edge;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Edge's settings ({@code eventshop.edge.*}).
 *
 * @param services        base URL of each service by name ({@code accounts}, {@code catalog}, ...)
 * @param sessionTtl      lifetime of the bearer token a user gets from login
 * @param servicesTokenTtl lifetime of the token edge mints for each forwarded request
 * @param maxBodySize     largest request body edge accepts (login and forwarded requests)
 * @param resilience      circuit breaker and time limit applied to every route
 * @param admission       the limit on checkouts in flight ({@code eventshop.edge.admission.CheckoutAdmission})
 * @param awaitStoreReady whether edge's readiness waits for a launcher to say the whole store is ready
 *                        ({@code StoreReadiness}); false for an edge started on its own
 */
@ConfigurationProperties("eventshop.edge")
public record EdgeProperties(
        Map<String, URI> services,
        @DefaultValue("8h") Duration sessionTtl,
        @DefaultValue("60s") Duration servicesTokenTtl,
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue Resilience resilience,
        @DefaultValue Admission admission,
        @DefaultValue("false") boolean awaitStoreReady) {

    public EdgeProperties {
        services = services == null ? Map.of() : Map.copyOf(services);
    }

    /** The base URL of a service; a missing one is a configuration error found at startup. */
    public URI service(String name) {
        URI uri = services.get(name);
        if (uri == null) {
            throw new IllegalStateException("eventshop.edge.services." + name
                    + " is not set: edge needs the base URL of the " + name + " service (e.g. http://localhost:8081)");
        }
        return uri;
    }

    /**
     * @param timeout              a call slower than this fails with 504
     * @param failureRateThreshold percentage of failed calls in the window that opens the breaker
     * @param slidingWindowSize    number of recent calls the failure rate is computed over
     * @param minimumCalls         calls needed in the window before the rate counts
     * @param openStateWait        how long an open breaker refuses calls before it tries again
     * @param maxConcurrentCalls   calls edge forwards to one service at once; more are refused with 503 overloaded
     */
    public record Resilience(
            @DefaultValue("5s") Duration timeout,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("10") int slidingWindowSize,
            @DefaultValue("5") int minimumCalls,
            @DefaultValue("10s") Duration openStateWait,
            @DefaultValue("256") int maxConcurrentCalls) {
    }

    /**
     * The limit on checkouts in flight: from edge forwarding one until its order is confirmed or cancelled.
     *
     * @param enabled      false forwards every checkout (an edge without {@code orders.events} must not limit: it
     *                     would never see a checkout settle)
     * @param initialLimit checkouts in flight allowed at the start
     * @param minLimit     the limit never goes below this
     * @param maxLimit     nor above this
     * @param settleTarget a checkout that settles later than this counts as late and lowers the limit; well below
     *                     orders' step timeout, after which a step is asked again and the order eventually times out
     * @param backoff      what a late checkout multiplies the limit by (at most once per settle time)
     * @param giveUpAfter  a checkout whose settlement edge has not seen by then leaves the count, as late
     * @param retryAfter   the {@code Retry-After} of a refused checkout
     */
    public record Admission(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("40") int initialLimit,
            @DefaultValue("20") int minLimit,
            @DefaultValue("1000") int maxLimit,
            @DefaultValue("5s") Duration settleTarget,
            @DefaultValue("0.75") double backoff,
            @DefaultValue("30s") Duration giveUpAfter,
            @DefaultValue("2s") Duration retryAfter) {
    }
}
