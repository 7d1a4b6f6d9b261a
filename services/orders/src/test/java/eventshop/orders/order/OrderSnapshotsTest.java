package eventshop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Address;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.StockLine;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.payments.PaymentEvent;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.memory.InMemoryEventStore;
import eventshop.orders.order.domain.CustomerStanding;
import eventshop.orders.order.domain.Order;
import eventshop.orders.order.domain.OrderEvent;
import eventshop.orders.order.domain.SagaStep;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A snapshot never changes what a fold returns, for the order (the checkout saga): random replies, deadlines
 * and cancellations after a placed order, on one handler with snapshots (every 1, 2 or 3 events, without its
 * cache, so every load reads the snapshot) and one without, with restarts between (cold loads). Both decide the
 * same and load the same; every state round-trips through its JSON snapshot form (instants, enum-keyed maps).
 */
class OrderSnapshotsTest {

    private static final String ORDER = "order-1";
    private static final String STREAM = Order.streamId(ORDER);
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private static final List<StockLine> STOCK = List.of(new StockLine("SKU-1", 2));
    private static final CommandContext CONTEXT = new CommandContext(new UUID(1, 1), "corr", "acc-1", Map.of());
    private static final CommandHandler.Snapshotting<Order.State> JSON = Orders.snapshotting(1);

    private static final class Side {
        final EventStore store = new InMemoryEventStore();
        final CommandHandler.Snapshotting<Order.State> snapshotting;
        CommandHandler<Order.Command, OrderEvent, Order.State> handler;

        Side(CommandHandler.Snapshotting<Order.State> snapshotting) {
            this.snapshotting = snapshotting;
            restart();
        }

        void restart() {
            handler = CommandHandler.builder("orders", store, Order.decider(Order.Policy.DEFAULT), Orders.CODEC)
                    .clock(Clock.fixed(START, ZoneOffset.UTC))
                    .snapshotting(snapshotting)
                    .snapshotWrites(Runnable::run)
                    .cache(snapshotting == null ? 16 : 0)
                    .build();
        }

        Object run(Order.Command command) {
            try {
                return handler.handle(STREAM, command, CONTEXT).events();
            } catch (DomainError refused) {
                return refused.getClass().getSimpleName();
            }
        }
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void snapshotsNeverChangeWhatAFoldReturns(@ForAll("intervals") int every, @ForAll("inputs") List<Integer> inputs) {
        Side plain = new Side(null);
        Side snapshotted = new Side(Orders.snapshotting(every));
        Order.Command place = new Order.PlaceOrder(ORDER, "acc-1", "ada@example.com",
                List.of(new OrderLine("SKU-1", "One", 2, 500, 1000)), 1000, 60, 1060,
                new Address("Ada", "1 Main St", "", "London", "N1", "GB"), "tok_1", CustomerStanding.MAY_SHOP, START);
        assertThat(snapshotted.run(place)).isEqualTo(plain.run(place));

        for (int i = 0; i < inputs.size(); i++) {
            int input = inputs.get(i);
            if (input == 0) {
                snapshotted.restart();
                plain.restart();
                continue;
            }
            Order.Command command = command(input, START.plusSeconds(30L * (i + 1)));

            assertThat(snapshotted.run(command)).as("after %s", command).isEqualTo(plain.run(command));
            CommandHandler.Loaded<Order.State> loaded = snapshotted.handler.load(STREAM);
            assertThat(loaded).as("after %s", command).isEqualTo(plain.handler.load(STREAM));
            assertThat(JSON.deserialize().apply(JSON.serialize().apply(loaded.state()))).isEqualTo(loaded.state());
        }
        snapshotted.restart();
        assertThat(snapshotted.handler.load(STREAM).state()).isEqualTo(Order.decider(Order.Policy.DEFAULT)
                .fold(Order.decider(Order.Policy.DEFAULT).initialState(),
                        snapshotted.handler.events(STREAM).collectList().block()));
    }

    /** Input {@code input} (1..17) at {@code now}: a reply, a passed deadline or a cancellation. */
    private static Order.Command command(int input, Instant now) {
        return switch (input) {
            case 1 -> new Order.RecordStockReply(ORDER, new InventoryEvent.StockReserved(ORDER, STOCK),
                    CustomerStanding.MAY_SHOP, now);
            case 2 -> new Order.RecordStockReply(ORDER, new InventoryEvent.StockReservationRejected(ORDER, STOCK,
                    STOCK), CustomerStanding.MAY_SHOP, now);
            case 3 -> new Order.RecordStockReply(ORDER, new InventoryEvent.StockReleased(ORDER, STOCK),
                    CustomerStanding.MAY_SHOP, now);
            case 4 -> new Order.RecordStockReply(ORDER, new InventoryEvent.StockShipped(ORDER, STOCK),
                    CustomerStanding.MAY_SHOP, now);
            case 5 -> new Order.RecordPaymentReply(ORDER, new PaymentEvent.PaymentAuthorized(ORDER, "acc-1", 1060,
                    "VISA", "4242"), CustomerStanding.MAY_SHOP, now);
            case 6 -> new Order.RecordPaymentReply(ORDER, new PaymentEvent.PaymentDeclined(ORDER, "acc-1", 1060,
                    PaymentEvent.DeclineReason.CARD_DECLINED), CustomerStanding.MAY_SHOP, now);
            case 7 -> new Order.RecordPaymentReply(ORDER, new PaymentEvent.PaymentCaptured(ORDER, 1060),
                    CustomerStanding.MAY_SHOP, now);
            case 8 -> new Order.RecordPaymentReply(ORDER, new PaymentEvent.PaymentRefunded(ORDER, 1060),
                    CustomerStanding.MAY_SHOP, now);
            case 9 -> new Order.RecordPaymentReply(ORDER, new PaymentEvent.PaymentVoided(ORDER, 1060),
                    CustomerStanding.MAY_SHOP, now);
            case 10 -> new Order.CancelOrder(ORDER, Order.Canceller.CUSTOMER, now);
            case 11 -> new Order.CancelOrder(ORDER, Order.Canceller.ADMIN, now);
            case 12 -> new Order.CancelForAccount(ORDER, CustomerStanding.SUSPENDED, now);
            case 13 -> new Order.RecordStockReply(ORDER, new InventoryEvent.StockReserved(ORDER, STOCK),
                    CustomerStanding.ARCHIVED, now);
            default -> {
                SagaStep step = SagaStep.values()[(input * 7) % SagaStep.values().length];
                yield new Order.DeadlinePassed(ORDER, step, 1 + input % 4, now.plusSeconds(3600));
            }
        };
    }

    @Provide
    Arbitrary<Integer> intervals() {
        return Arbitraries.of(1, 2, 3);
    }

    @Provide
    Arbitrary<List<Integer>> inputs() {
        return Arbitraries.integers().between(0, 17).list().ofMinSize(3).ofMaxSize(30);
    }
}
