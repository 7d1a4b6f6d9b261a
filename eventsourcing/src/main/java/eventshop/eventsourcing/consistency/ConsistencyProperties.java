package eventshop.eventsourcing.consistency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.consistency.*}: how queries honour consistency tokens.
 *
 * @param maxWait how long a query waits at most for its read model to reach a token's position
 *                before answering 503 with Retry-After (default 2 s)
 */
@ConfigurationProperties("eventshop.consistency")
public record ConsistencyProperties(@DefaultValue("2s") Duration maxWait) {
}
