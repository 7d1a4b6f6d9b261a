package eventshop.eventsourcing.relay;

import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.relay.*}: the log relay's settings. The Kafka producer itself is configured
 * on the output binding ({@value #DEFAULT_BINDING}); see {@link RelayBindingDefaults}.
 *
 * @param enabled            whether the relay runs (default true)
 * @param bindingName        the Spring Cloud Stream output binding it sends through
 * @param maxInFlight        events handed to the producer and not yet acknowledged, at most
 * @param checkpointInterval how often the acknowledged position is saved (at most once per interval)
 * @param stallTimeout       no acknowledgement for this long with events in flight counts as an outage
 * @param retryInitial       first pause after a failed send before resuming from the checkpoint
 * @param retryMax           longest such pause (the pause doubles after each failure)
 * @param stopTimeout        how long stopping waits for in-flight acknowledgements
 * @param privateTypes       event types the service keeps to itself: the relay passes over them
 *                           (they count as relayed) and never publishes them
 * @param commandTopics      the other topics {@link RelayRoutes} may send to (each gets an output binding
 *                           with the relay's producer settings)
 */
@ConfigurationProperties("eventshop.relay")
public record RelayProperties(Boolean enabled, String bindingName, Integer maxInFlight, Duration checkpointInterval,
                              Duration stallTimeout, Duration retryInitial, Duration retryMax,
                              Duration stopTimeout, Set<String> privateTypes,
                              Set<String> commandTopics) {

    /** The relay's output binding name unless configured. */
    public static final String DEFAULT_BINDING = "eventshopRelay-out-0";

    public RelayProperties {
        enabled = enabled == null || enabled;
        bindingName = bindingName == null || bindingName.isBlank() ? DEFAULT_BINDING : bindingName;
        maxInFlight = maxInFlight == null ? 1000 : maxInFlight;
        checkpointInterval = checkpointInterval == null ? Duration.ofMillis(100) : checkpointInterval;
        stallTimeout = stallTimeout == null ? Duration.ofSeconds(5) : stallTimeout;
        retryInitial = retryInitial == null ? Duration.ofMillis(200) : retryInitial;
        retryMax = retryMax == null ? Duration.ofSeconds(10) : retryMax;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(2) : stopTimeout;
        privateTypes = privateTypes == null ? Set.of() : Set.copyOf(privateTypes);
        commandTopics = commandTopics == null ? Set.of() : Set.copyOf(commandTopics);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("eventshop.relay.max-in-flight must be >= 1");
        }
    }

    /** Defaults for everything. */
    public static RelayProperties defaults() {
        return new RelayProperties(null, null, null, null, null, null, null, null, null, null);
    }
}
