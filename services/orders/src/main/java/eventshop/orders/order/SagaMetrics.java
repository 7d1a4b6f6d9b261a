package eventshop.orders.order;

import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.CompensationCompleted;
import eventshop.contracts.orders.OrderEvent.DeliveryScheduled;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderEvent.OrderDelivered;
import eventshop.contracts.orders.OrderEvent.OrderPaymentAuthorized;
import eventshop.contracts.orders.OrderEvent.OrderPlaced;
import eventshop.contracts.orders.OrderEvent.OrderShipped;
import eventshop.contracts.orders.OrderEvent.OrderStockReserved;
import eventshop.contracts.orders.OrderEvent.PaymentAuthorizationRequested;
import eventshop.contracts.orders.OrderEvent.PaymentCaptureRequested;
import eventshop.contracts.orders.OrderEvent.PaymentRefundRequested;
import eventshop.contracts.orders.OrderEvent.PaymentVoidRequested;
import eventshop.contracts.orders.OrderEvent.ShipmentRequested;
import eventshop.contracts.orders.OrderEvent.StockReleaseRequested;
import eventshop.contracts.orders.OrderEvent.StockReservationRequested;
import eventshop.contracts.orders.OrderStatus;
import eventshop.contracts.orders.SagaStep;
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
                case OrderPlaced placed -> status(OrderStatus.PLACED);
                case OrderStockReserved reserved -> status(OrderStatus.STOCK_RESERVED);
                case OrderPaymentAuthorized authorized -> status(OrderStatus.PAYMENT_AUTHORIZED);
                case OrderConfirmed confirmed -> status(OrderStatus.CONFIRMED);
                case OrderShipped shipped -> status(OrderStatus.SHIPPED);
                case OrderDelivered delivered -> status(OrderStatus.DELIVERED);
                case OrderCancelled cancelled -> {
                    status(OrderStatus.CANCELLED);
                    registry.counter("orders.cancelled", "reason", cancelled.reason().name()).increment();
                    if (cancelled.reason() == CancellationReason.TIMED_OUT && deadlineStep != null) {
                        registry.counter("orders.timeouts", "step", deadlineStep.name()).increment();
                    }
                }
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

    private void status(OrderStatus status) {
        registry.counter("orders.status", "status", status.name()).increment();
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
