package eventshop.inventory.commands;

import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.events;
import static eventshop.inventory.Fixtures.newOrder;
import static eventshop.inventory.Fixtures.newSku;
import static eventshop.inventory.Fixtures.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReservationRejected;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.eventsourcing.consuming.ExactlyOnce;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import eventshop.inventory.InventoryTest;
import eventshop.inventory.reservations.domain.NothingToShip;
import eventshop.inventory.reservations.domain.Reservation;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.Stock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/** The consumer of inventory.commands, handed messages as the Kafka binder would hand them over. */
@InventoryTest
class CommandConsumerTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Autowired
    @Qualifier("inventoryCommands")
    Consumer<Message<byte[]>> inventoryCommands;
    @Autowired
    Stocks stocks;
    @Autowired
    EventStore store;
    @Autowired
    ExactlyOnce exactlyOnce;

    private String stocked(int quantity) {
        String sku = newSku("CMD");
        stocks.handle(new Stock.ReceiveStock(sku, quantity), context());
        return sku;
    }

    private static Message<byte[]> command(UUID commandId, String type, String json) {
        return MessageBuilder.withPayload(json.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_ID, commandId.toString().getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
                .setHeader(EventHeaders.STREAM_ID, "order-x")
                .setHeader(EventHeaders.SOURCE, "orders")
                .setHeader(EventHeaders.CORRELATION_ID, "checkout-42")
                .setHeader(EventHeaders.ACTING_USER, "acc-1")
                .setHeader(EventHeaders.TRACEPARENT, TRACEPARENT)
                .build();
    }

    private static String reserveJson(String orderId, String sku, int quantity) {
        return "{\"orderId\":\"" + orderId + "\",\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}]}";
    }

    private List<RecordedEvent> reservation(String orderId) {
        return recorded(store, Reservation.streamId(orderId));
    }

    @Test
    void reserveStock_answersWithTheReservationsEvent_causedByTheCommand() {
        String sku = stocked(5);
        String order = newOrder();
        UUID commandId = UUID.randomUUID();

        inventoryCommands.accept(command(commandId, "ReserveStock", reserveJson(order, sku, 2)));

        assertThat(events(store, Reservation.streamId(order)))
                .containsExactly(new StockReserved(order, List.of(new StockLine(sku, 2))));
        RecordedEvent answer = reservation(order).getFirst();
        assertThat(answer.type()).isEqualTo("StockReserved");
        assertThat(answer.metadata().causationId()).isEqualTo(commandId.toString());
        assertThat(answer.metadata().correlationId()).isEqualTo("checkout-42");
        assertThat(answer.metadata().actingUser()).isEqualTo("acc-1");
        assertThat(answer.metadata().headers()).containsKey(EventHeaders.TRACEPARENT);
        assertThat(((Stock.Stocked) stocks.state(sku)).reserved()).isEqualTo(2);
        assertThat(exactlyOnce.processed(CommandConsumer.CONSUMER, commandId)).isTrue();
    }

    @Test
    void aDuplicateDelivery_changesNothing() {
        String sku = stocked(5);
        String order = newOrder();
        Message<byte[]> message = command(UUID.randomUUID(), "ReserveStock", reserveJson(order, sku, 2));

        inventoryCommands.accept(message);
        inventoryCommands.accept(message);

        assertThat(reservation(order)).hasSize(1);
        assertThat(((Stock.Stocked) stocks.state(sku)).reserved()).isEqualTo(2);
    }

    @Test
    void theSameCommandSentAgainUnderANewId_changesNothing() {
        String sku = stocked(5);
        String order = newOrder();

        inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock", reserveJson(order, sku, 2)));
        inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock", reserveJson(order, sku, 2)));

        assertThat(reservation(order)).hasSize(1);
        assertThat(((Stock.Stocked) stocks.state(sku)).reserved()).isEqualTo(2);
    }

    @Test
    void aShortReservation_isAnsweredWithTheRejection() {
        String sku = stocked(1);
        String order = newOrder();

        inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock", reserveJson(order, sku, 3)));

        assertThat(events(store, Reservation.streamId(order))).containsExactly(new StockReservationRejected(order,
                List.of(new StockLine(sku, 3)), List.of(new StockLine(sku, 2))));
    }

    @Test
    void releaseAndShip_followTheReservation() {
        String sku = stocked(5);
        String shipped = newOrder();
        String released = newOrder();
        inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock", reserveJson(shipped, sku, 2)));
        inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock", reserveJson(released, sku, 1)));

        inventoryCommands.accept(command(UUID.randomUUID(), "ShipStock", "{\"orderId\":\"" + shipped + "\"}"));
        inventoryCommands.accept(command(UUID.randomUUID(), "ReleaseStock", "{\"orderId\":\"" + released + "\"}"));

        assertThat(events(store, Reservation.streamId(shipped))).last()
                .isEqualTo(new StockShipped(shipped, List.of(new StockLine(sku, 2))));
        assertThat(events(store, Reservation.streamId(released))).last()
                .isEqualTo(new StockReleased(released, List.of(new StockLine(sku, 1))));
        assertThat(stocks.state(sku)).isEqualTo(new Stock.Stocked(sku, 3, 0, java.util.Map.of()));
    }

    @Test
    void shippingWhatWasNeverReserved_fails_andIsNotRecordedAsProcessed() {
        UUID commandId = UUID.randomUUID();
        String order = newOrder();

        assertThatThrownBy(() -> inventoryCommands.accept(command(commandId, "ShipStock",
                "{\"orderId\":\"" + order + "\"}"))).isInstanceOf(NothingToShip.class);

        assertThat(reservation(order)).isEmpty();
        assertThat(exactlyOnce.processed(CommandConsumer.CONSUMER, commandId)).isFalse();
    }

    @Test
    void malformedMessages_fail_andStoreNothing() {
        long head = store.headPosition();
        UUID malformedJson = UUID.randomUUID();

        assertThatThrownBy(() -> inventoryCommands.accept(command(malformedJson, "ReserveStock", "{\"orderId\":")))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock",
                "{\"orderId\":\"o\",\"lines\":\"many\"}"))).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock",
                "{\"lines\":[]}"))).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> inventoryCommands.accept(command(UUID.randomUUID(), "ReserveStock",
                "{\"orderId\":\"o\",\"lines\":[null]}"))).isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> inventoryCommands.accept(command(UUID.randomUUID(), "DropTables", "{}")))
                .isInstanceOf(MalformedMessage.class);
        assertThatThrownBy(() -> inventoryCommands.accept(MessageBuilder.withPayload("{}".getBytes())
                .setHeader(EventHeaders.EVENT_TYPE, "ReserveStock").build()))
                .isInstanceOf(MalformedMessage.class);

        assertThat(store.headPosition()).isEqualTo(head);
        assertThat(exactlyOnce.processed(CommandConsumer.CONSUMER, malformedJson)).isFalse();
    }
}
