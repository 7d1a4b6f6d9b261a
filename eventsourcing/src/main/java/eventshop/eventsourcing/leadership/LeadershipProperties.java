package eventshop.eventsourcing.leadership;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.leadership.*}: which instance of a service runs its once-per-service work.
 *
 * @param mode          {@code auto} (default): an advisory lock when the service's database is PostgreSQL
 *                      (instances may share it), else this instance leads alone; {@code sole}: this instance
 *                      always leads (one instance only); {@code advisory-lock}: always the lock (PostgreSQL only)
 * @param retryInterval how often a standby asks for the lock (default 1 s)
 * @param checkInterval how often the leader confirms that it holds the lock (default 300 ms)
 * @param lease         how long a confirmation lets the leader work, and how long a new leader waits before
 *                      its work starts (default 1 s; at least twice the check interval)
 */
@ConfigurationProperties("eventshop.leadership")
public record LeadershipProperties(@DefaultValue("auto") Mode mode,
                                   @DefaultValue("1s") Duration retryInterval,
                                   @DefaultValue("300ms") Duration checkInterval,
                                   @DefaultValue("1s") Duration lease) {

    /** How leadership is decided. */
    public enum Mode { AUTO, SOLE, ADVISORY_LOCK }
}
