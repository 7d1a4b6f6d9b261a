package eventshop.eventsourcing.consuming;

import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/consumers}: each consumer binding's group, topic and lag (committed offset
 * against the end of each partition).
 */
@Endpoint(id = "consumers")
public class ConsumersEndpoint {

    private final ConsumerLags lags;

    public ConsumersEndpoint(ConsumerLags lags) {
        this.lags = lags;
    }

    @ReadOperation
    public List<ConsumerLags.Lag> lags() {
        return lags.lags();
    }
}
