package eventshop.eventsourcing.relay;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/relay}: where the log relay is (acknowledged position, saved checkpoint, log
 * head, lag, events in flight), what it is doing and its last error.
 */
@Endpoint(id = "relay")
public class RelayEndpoint {

    private final LogRelay relay;

    public RelayEndpoint(LogRelay relay) {
        this.relay = relay;
    }

    @ReadOperation
    public LogRelay.Status status() {
        return relay.status();
    }
}
