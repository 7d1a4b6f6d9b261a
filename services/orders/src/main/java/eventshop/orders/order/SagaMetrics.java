package eventshop.orders.order;

import eventshop.contracts.orders.CancellationReason;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderEvent.CompensationCompleted;
import eventshop.orders.order.domain.OrderEvent.DeliveryScheduled;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.PaymentAuthorizationRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentCaptureRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentRefundRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentVoidRequested;
import eventshop.orders.order.domain.OrderEvent.ShipmentRequested;
import eventshop.orders.order.domain.OrderEvent.StatusEvent;
import eventshop.orders.order.domain.OrderEvent.StockReleaseRequested;
import eventshop.orders.order.domain.OrderEvent.StockReservationRequested;
import eventshop.orders.order.domain.SagaStep;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Counters of the saga, counted from the events each command appended:
 * {@code orders.saga.steps{step,attempt=first|retry}} (a step requested), {@code orders.compensations{step,
 * attempt=first|retry}} (a compensation requested), {@code orders.compensations.completed{step}},
 * {@code orders.timeouts{step}} (a step given up after its last attempt), {@code orders.status{status}}
 * (orders entering a status) and {@code orders.cancelled{reason}}. The gauges of orders by status and of
 * pending compensations are the read models' ({@code orders.by.status}, {@code orders.compensations.pending}).
 */
@Component
public class SagaMetrics {

    private final MeterRegistry registry;

    public SagaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts what one command appended; {@code deadlineStep} is the step whose deadline caused it, if any. */
    void record(List<OrderEvent> events, SagaStep deadlineStep) {
        for (OrderEvent event : events) {
            switch (event) {
                case OrderCancelled cancelled -> {
                    status(cancelled);
                    registry.counter("orders.cancelled", "reason", cancelled.reason().name()).increment();
                    if (cancelled.reason() == CancellationReason.TIMED_OUT && deadlineStep != null) {
                        registry.counter("orders.timeouts", "step", deadlineStep.name()).increment();
                    }
                }
                case StatusEvent other -> status(other);
                case StockReservationRequested requested -> step(SagaStep.RESERVE_STOCK, requested.attempt());
                case PaymentAuthorizationRequested requested -> step(SagaStep.AUTHORIZE_PAYMENT, requested.attempt());
                case PaymentCaptureRequested requested -> step(SagaStep.CAPTURE_PAYMENT, requested.attempt());
                case ShipmentRequested requested -> step(SagaStep.SHIP_STOCK, requested.attempt());
                case DeliveryScheduled scheduled -> step(SagaStep.DELIVER, 1);
                case StockReleaseRequested requested -> compensation(SagaStep.RELEASE_STOCK, requested.attempt());
                case PaymentVoidRequested requested -> compensation(SagaStep.VOID_PAYMENT, requested.attempt());
                case PaymentRefundRequested requested -> compensation(SagaStep.REFUND_PAYMENT, requested.attempt());
                case CompensationCompleted completed ->
                        registry.counter("orders.compensations.completed", "step", completed.step().name()).increment();
            }
        }
    }

    private void status(StatusEvent event) {
        registry.counter("orders.status", "status", Order.statusAfter(event).name()).increment();
    }

    private void step(SagaStep step, int attempt) {
        registry.counter("orders.saga.steps", "step", step.name(), "attempt", attempt == 1 ? "first" : "retry")
                .increment();
    }

    private void compensation(SagaStep step, int attempt) {
        registry.counter("orders.compensations", "step", step.name(), "attempt", attempt == 1 ? "first" : "retry")
                .increment();
    }
}
