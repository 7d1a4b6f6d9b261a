package eventshop.web.ops;

import eventshop.web.calls.NotFound;
import eventshop.web.ops.OpsApi.Event;
import eventshop.web.ops.OpsApi.StreamView;
import java.util.Comparator;
import org.springframework.stereotype.Component;

/**
 * The checkout saga of one order across services: its correlation is the correlation id of the first event of
 * orders' stream {@code order-<id>}; every service's events of that correlation make the {@link SagaTimeline}.
 */
@Component
public class Sagas {

    private final Ops ops;
    private final Correlations correlations;

    public Sagas(Ops ops, Correlations correlations) {
        this.ops = ops;
        this.correlations = correlations;
    }

    /**
     * The order's timeline.
     *
     * @throws NotFound if orders has no stream for it, or its first event carries no correlation id
     */
    public SagaTimeline timeline(String orderId) {
        StreamView stream = ops.stream(Ops.ORDERS, "order-" + orderId, null);
        Event first = stream.events().stream().min(Comparator.comparingLong(Event::version))
                .orElseThrow(() -> new NotFound("order " + orderId));
        String correlationId = first.correlationId();
        if (correlationId == null || correlationId.isBlank()) {
            throw new NotFound("correlation of order " + orderId);
        }
        return SagaTimeline.of(orderId, correlations.of(correlationId));
    }
}
