package eventshop.eventsourcing.calls;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.calls.*}: how a service calls another service's HTTP API ({@link ServiceCalls});
 * where each one answers is {@link ServiceEndpoints}.
 *
 * @param connectTimeout       how long a connection may take (default 1 s)
 * @param readTimeout          how long an answer may take (default 3 s)
 * @param slidingWindowSize    the circuit breaker's window of recent calls (default 20)
 * @param minimumCalls         calls in the window before the breaker judges (default 10)
 * @param failureRateThreshold percentage of failed calls that opens the breaker (default 50)
 * @param openStateWait        how long an open breaker refuses calls before it tries again (default 5 s)
 */
@ConfigurationProperties("eventshop.calls")
public record ServiceCallsProperties(@DefaultValue("1s") Duration connectTimeout,
                                     @DefaultValue("3s") Duration readTimeout,
                                     @DefaultValue("20") int slidingWindowSize,
                                     @DefaultValue("10") int minimumCalls,
                                     @DefaultValue("50") float failureRateThreshold,
                                     @DefaultValue("5s") Duration openStateWait) {
}
