package eventshop.orders.history;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.relay.RelayRoutes;
import eventshop.eventstore.Metadata;
import eventshop.eventstore.RecordedEvent;
import eventshop.orders.order.Orders;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.OrderMessages;
import eventshop.orders.saga.OrderRoutes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Orders' logs written before issue 12 (when the saga's steps and {@code SagaStep} were in the contract)
 * still load: {@code legacy-order-log.json} holds streams as that code stored them (type names, JSON,
 * among them an {@code OrderCancelled} from before {@code previousStatus}), with the state and the order
 * view that code folded them to. The private events of today fold them the same, store them the same, and
 * the status events go out on orders.events as the JSON they were published as then.
 */
class StoredLogCompatibilityTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static Stream<Named<JsonNode>> streams() throws Exception {
        try (InputStream in = StoredLogCompatibilityTest.class.getResourceAsStream(
                "/eventshop/orders/legacy-order-log.json")) {
            List<Named<JsonNode>> streams = new ArrayList<>();
            JSON.readTree(in).get("streams").forEach(stream -> streams.add(Named.of(stream.get("orderId").asString(),
                    stream)));
            return streams.stream();
        }
    }

    /** The stored events of a stream, as the store hands them back. */
    static List<RecordedEvent> recorded(JsonNode stream) {
        String orderId = stream.get("orderId").asString();
        List<RecordedEvent> recorded = new ArrayList<>();
        for (JsonNode event : stream.get("events")) {
            int version = recorded.size();
            recorded.add(new RecordedEvent(UUID.nameUUIDFromBytes((orderId + version).getBytes(StandardCharsets.UTF_8)),
                    Order.streamId(orderId), version, 100 + version, event.get("type").asString(),
                    event.get("data").asString().getBytes(StandardCharsets.UTF_8),
                    new Metadata("c", "c", "", T0.plusSeconds(version), event.get("schemaVersion").asInt(), Map.of())));
        }
        return recorded;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void anOldLog_foldsToTheSameState_andTheSameView(JsonNode stream) {
        List<RecordedEvent> recorded = recorded(stream);

        Order.State state = new Order.NotPlaced();
        for (RecordedEvent event : recorded) {
            state = Order.evolve(state, Orders.CODEC.deserialize(event.type(), event.data(),
                    event.metadata().schemaVersion()));
        }
        OrderView view = OrderView.of(recorded, event -> Orders.CODEC.deserialize(event.type(), event.data(),
                event.metadata().schemaVersion()));

        assertThat(describe(state)).isEqualTo(stream.get("state").asString());
        assertThat(JSON.writeValueAsString(view)).isEqualTo(JSON.writeValueAsString(stream.get("view")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void anOldEvent_isStoredToday_asItWasThen_andPublished_asItWasThen(JsonNode stream) {
        Iterator<JsonNode> stored = stream.get("events").iterator();
        for (RecordedEvent event : recorded(stream)) {
            JsonNode then = JSON.readTree(stored.next().get("data").asString());
            OrderEvent decoded = Orders.CODEC.deserialize(event.type(), event.data(), 1);

            assertThat(Orders.CODEC.typeOf(decoded)).isEqualTo(event.type());
            assertThat(withoutNulls(JSON.readTree(Orders.CODEC.serialize(decoded)))).isEqualTo(withoutNulls(then));
            if (OrderMessages.of(decoded) instanceof OrderMessages.Publish) {
                // before issue 12 the relay published the stored event as it was
                assertThat(OrderRoutes.route(event)).isInstanceOfSatisfying(RelayRoutes.Route.Publish.class,
                        published -> {
                            assertThat(published.type()).isEqualTo(event.type());
                            assertThat(withoutNulls(JSON.readTree(published.data()))).isEqualTo(withoutNulls(then));
                        });
            }
        }
    }

    /** The state, with its maps and sets in a fixed order. */
    static String describe(Order.State state) {
        return switch (state) {
            case Order.NotPlaced notPlaced -> "NotPlaced";
            case Order.InProgress progress -> "InProgress " + progress.order() + " " + progress.status() + " "
                    + progress.step();
            case Order.Delivered delivered -> "Delivered " + delivered.order();
            case Order.Cancelled cancelled -> "Cancelled " + cancelled.order() + " " + cancelled.reason() + " "
                    + new TreeMap<>(cancelled.compensations()) + " " + new TreeSet<>(cancelled.settled());
        };
    }

    /** A JSON object without its null fields: an event read from before a field existed has it null. */
    static JsonNode withoutNulls(JsonNode node) {
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        List<String> nulls = new ArrayList<>();
        copy.properties().forEach(field -> {
            if (field.getValue().isNull()) {
                nulls.add(field.getKey());
            }
        });
        nulls.forEach(copy::remove);
        return copy;
    }
}
