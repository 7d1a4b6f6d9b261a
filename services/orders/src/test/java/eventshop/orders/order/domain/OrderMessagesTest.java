package eventshop.orders.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import eventshop.contracts.inventory.InventoryCommand.ReleaseStock;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderStatus;
import eventshop.contracts.payments.PaymentCommand.AuthorizePayment;
import eventshop.contracts.payments.PaymentCommand.CapturePayment;
import eventshop.contracts.payments.PaymentCommand.RefundPayment;
import eventshop.contracts.payments.PaymentCommand.VoidPayment;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.orders.order.domain.OrderEvent.CompensationCompleted;
import eventshop.orders.order.domain.OrderEvent.DeliveryScheduled;
import eventshop.orders.order.domain.OrderEvent.OrderCancelled;
import eventshop.orders.order.domain.OrderEvent.OrderDelivered;
import eventshop.orders.order.domain.OrderEvent.PaymentRefundRequested;
import eventshop.orders.order.domain.OrderEvent.PaymentVoidRequested;
import eventshop.orders.order.domain.OrderEvent.StatusEvent;
import eventshop.orders.order.domain.OrderEvent.StockReleaseRequested;
import eventshop.orders.order.domain.OrderMessages.Keep;
import eventshop.orders.order.domain.OrderMessages.Publish;
import eventshop.orders.order.domain.OrderMessages.Send;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The one translation of orders' private events: published status events, commands, and what stays private. */
class OrderMessagesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonEventCodec<OrderEvent> PRIVATE = JsonEventCodec.of(OrderEvent.class, JSON);
    private static final JsonEventCodec<eventshop.contracts.orders.OrderEvent> PUBLISHED =
            JsonEventCodec.of(eventshop.contracts.orders.OrderEvent.class, JSON);

    /** One of every event of an order, from the decider's tests. */
    static List<OrderEvent> everyKind() {
        return List.of(OrderTest.PLACED, OrderTest.RESERVE, OrderTest.STOCK_RESERVED, OrderTest.AUTHORIZE,
                OrderTest.AUTHORIZED, OrderTest.CONFIRMED, OrderTest.CAPTURE, OrderTest.SHIP, OrderTest.SHIPPED,
                OrderTest.DELIVERY, new OrderDelivered(OrderTest.ID, OrderTest.CUSTOMER),
                new OrderCancelled(OrderTest.ID, OrderTest.CUSTOMER, CancellationReason.TIMED_OUT, "no answer",
                        OrderStatus.CONFIRMED),
                new StockReleaseRequested(OrderTest.ID, 2, OrderTest.T0),
                new PaymentVoidRequested(OrderTest.ID, 1, OrderTest.T0),
                new PaymentRefundRequested(OrderTest.ID, 3, OrderTest.T0),
                new CompensationCompleted(OrderTest.ID, SagaStep.RELEASE_STOCK, "StockReleased"));
    }

    @Test
    void everyKindOfEvent_isAmongTheExamples() {
        assertThat(everyKind().stream().map(PRIVATE::typeOf)).containsExactlyInAnyOrderElementsOf(PRIVATE.typeNames());
    }

    @Test
    void aStatusEvent_isPublished_asTheContractsEventOfTheSameName_withTheSameJson() {
        for (OrderEvent event : everyKind()) {
            if (event instanceof StatusEvent status) {
                assertThat(OrderMessages.of(event)).isInstanceOfSatisfying(Publish.class, publish -> {
                    assertThat(PUBLISHED.typeOf(publish.event())).isEqualTo(PRIVATE.typeOf(event));
                    assertThat(new String(PUBLISHED.serialize(publish.event())))
                            .isEqualTo(new String(PRIVATE.serialize(event)));
                    assertThat(publish.event()).isEqualTo(OrderMessages.published(status));
                });
            }
        }
    }

    @Test
    void theStatusOfAnEvent_isTheOneItsPublishedFormNames() {
        assertThat(everyKind().stream().filter(StatusEvent.class::isInstance).map(Order::statusAfter))
                .containsExactly(OrderStatus.PLACED, OrderStatus.STOCK_RESERVED, OrderStatus.PAYMENT_AUTHORIZED,
                        OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED);
        assertThat(everyKind().stream().filter(event -> !(event instanceof StatusEvent)).map(Order::statusAfter))
                .containsOnlyNulls();
    }

    @Test
    void theSagasSteps_areCommands_orStayInOrdersLog_andNoneIsInTheContract() {
        Map<Class<?>, Object> sent = Map.of(
                OrderEvent.StockReservationRequested.class, new Send(Topics.INVENTORY_COMMANDS,
                        new ReserveStock(OrderTest.ID, OrderTest.STOCK)),
                OrderEvent.ShipmentRequested.class, new Send(Topics.INVENTORY_COMMANDS, new ShipStock(OrderTest.ID)),
                StockReleaseRequested.class, new Send(Topics.INVENTORY_COMMANDS, new ReleaseStock(OrderTest.ID)),
                OrderEvent.PaymentAuthorizationRequested.class, new Send(Topics.PAYMENTS_COMMANDS,
                        new AuthorizePayment(OrderTest.ID, OrderTest.CUSTOMER, OrderTest.CARD, OrderTest.TOTAL)),
                OrderEvent.PaymentCaptureRequested.class, new Send(Topics.PAYMENTS_COMMANDS,
                        new CapturePayment(OrderTest.ID)),
                PaymentVoidRequested.class, new Send(Topics.PAYMENTS_COMMANDS, new VoidPayment(OrderTest.ID)),
                PaymentRefundRequested.class, new Send(Topics.PAYMENTS_COMMANDS, new RefundPayment(OrderTest.ID)),
                DeliveryScheduled.class, Keep.INSTANCE,
                CompensationCompleted.class, Keep.INSTANCE);
        Stream<OrderEvent> steps = everyKind().stream().filter(event -> !(event instanceof StatusEvent));

        assertThat(steps).allSatisfy(step -> {
            assertThat(OrderMessages.of(step)).as(step.toString()).isEqualTo(sent.get(step.getClass()));
            assertThat(PUBLISHED.typeNames()).doesNotContain(PRIVATE.typeOf(step));
        });
    }
}
