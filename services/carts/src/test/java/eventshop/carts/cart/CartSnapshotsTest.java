package eventshop.carts.cart;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.carts.cart.domain.Cart;
import eventshop.carts.cart.domain.PaymentCard;
import eventshop.carts.cart.domain.PriceList;
import eventshop.carts.cart.domain.Product;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.memory.InMemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * A snapshot never changes what a fold returns: random command sequences on one cart, run on two stores, one
 * handler with snapshots (every 1, 2, 3, 5 or 10 events; with its cache or without, so that every load reads the
 * snapshot) and one without, with restarts in between (new handlers over the same stores: cold loads). Both
 * decide the same events or refuse with the same error, load the same state at the same version, and the
 * snapshotted stream's state is the fold of its events from the first; every state round-trips through its JSON
 * snapshot form.
 */
class CartSnapshotsTest {

    private static final String CUSTOMER = "acc-1";
    private static final String STREAM = Carts.streamOf(CUSTOMER);
    private static final List<String> SKUS = List.of("SKU-1", "SKU-2", "SKU-3", "SKU-4");
    private static final Address HOME = new Address("Ada", "1 Main St", "", "London", "N1", "GB");
    private static final Address WORK = new Address("Ada", "2 Side Rd", "Flat 3", "London", "N2", "GB");
    private static final CommandContext CONTEXT = new CommandContext(new UUID(1, 1), "corr", CUSTOMER, Map.of());
    private static final CommandHandler.Snapshotting<Cart.State> JSON = Carts.snapshotting(1);

    sealed interface Step {
    }

    record Add(int sku, int quantity, long priceCents) implements Step {
    }

    record Change(int sku, int quantity, long priceCents) implements Step {
    }

    record Remove(int sku) implements Step {
    }

    record Clear() implements Step {
    }

    /** {@code key} >= 0: an idempotency key (0..2, so keys repeat); {@code card}: usable, expired, not on file. */
    record CheckOut(int key, int card, boolean work, long priceCents) implements Step {
    }

    record Restore(int order) implements Step {
    }

    record Restart() implements Step {
    }

    /** One side of the comparison: a store and its current handler. */
    private static final class Side {
        final EventStore store = new InMemoryEventStore();
        final CommandHandler.Snapshotting<Cart.State> snapshotting;
        final boolean cached;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final List<String> orders = new ArrayList<>();
        CommandHandler<Cart.Command, CartEvent, Cart.State> handler;
        int checkouts;

        Side(CommandHandler.Snapshotting<Cart.State> snapshotting, boolean cached) {
            this.snapshotting = snapshotting;
            this.cached = cached;
            restart();
        }

        void restart() {
            handler = CommandHandler.builder("carts", store, Cart.DECIDER, JsonEventCodec.of(CartEvent.class))
                    .clock(Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC))
                    .snapshotting(snapshotting)
                    .snapshotWrites(Runnable::run)
                    .meterRegistry(registry)
                    .cache(cached ? 16 : 0)
                    .build();
        }

        /** The events decided, or the refusal's class. */
        Object run(Step step) {
            if (step instanceof Restart) {
                restart();
                return "restarted";
            }
            try {
                return handler.decide(STREAM, state -> command(step, state), CONTEXT).result().events();
            } catch (DomainError refused) {
                return refused.getClass().getSimpleName();
            }
        }

        private Cart.Command command(Step step, Cart.State state) {
            return switch (step) {
                case Add add -> new Cart.AddItem(CUSTOMER, SKUS.get(add.sku()), add.quantity(),
                        product(add.sku(), add.priceCents()));
                case Change change -> new Cart.ChangeQuantity(CUSTOMER, SKUS.get(change.sku()), change.quantity(),
                        product(change.sku(), change.priceCents()));
                case Remove remove -> new Cart.RemoveItem(CUSTOMER, SKUS.get(remove.sku()));
                case Clear clear -> new Cart.Clear(CUSTOMER);
                case CheckOut checkOut -> {
                    String orderId = checkOut.key() >= 0 ? "order-key-" + checkOut.key() : "order-" + checkouts++;
                    if (!orders.contains(orderId)) {
                        orders.add(orderId);
                    }
                    PaymentCard card = switch (checkOut.card()) {
                        case 0 -> new PaymentCard.Usable();
                        case 1 -> new PaymentCard.Expired(YearMonth.of(2020, 1));
                        default -> new PaymentCard.NotOnFile();
                    };
                    yield new Cart.CheckOut(CUSTOMER, orderId, "ada@example.com", prices(checkOut.priceCents()),
                            checkOut.work() ? WORK : HOME, "tok_" + checkOut.card(), card);
                }
                case Restore restore -> new Cart.RestoreOrder(CUSTOMER, orders.isEmpty() ? "order-none"
                        : orders.get(restore.order() % orders.size()), prices(777));
                case Restart restart -> throw new IllegalStateException("not a command");
            };
        }

        double loadsFromSnapshot() {
            var counter = registry.find("eventstore.loads").tag("from", "snapshot").counter();
            return counter == null ? 0 : counter.count();
        }
    }

    /** SKU-1 and SKU-2 on sale (SKU-1 at {@code priceCents}), SKU-3 discontinued, SKU-4 unknown. */
    private static Product product(int sku, long priceCents) {
        return prices(priceCents).product(SKUS.get(sku));
    }

    private static PriceList prices(long priceCents) {
        return new PriceList(Map.of(
                "SKU-1", new Product.OnSale("SKU-1", "One", priceCents),
                "SKU-2", new Product.OnSale("SKU-2", "Two", 250),
                "SKU-3", new Product.Discontinued("SKU-3", "Three", 990)));
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void snapshotsNeverChangeWhatAFoldReturns(@ForAll("intervals") int every, @ForAll boolean cached,
                                              @ForAll("steps") List<Step> steps) {
        Side plain = new Side(null, true);
        Side snapshotted = new Side(Carts.snapshotting(every), cached);

        for (Step step : steps) {
            // when
            Object decided = snapshotted.run(step);

            // then
            assertThat(decided).as("after %s", step).isEqualTo(plain.run(step));
            CommandHandler.Loaded<Cart.State> loaded = snapshotted.handler.load(STREAM);
            assertThat(loaded).as("after %s", step).isEqualTo(plain.handler.load(STREAM));
            assertThat(JSON.deserialize().apply(JSON.serialize().apply(loaded.state()))).isEqualTo(loaded.state());
        }

        // the stream folded from its first event, and a cold load of it (from its snapshot, if it has one)
        List<CartEvent> events = snapshotted.handler.events(STREAM).collectList().block();
        Cart.State folded = Cart.DECIDER.fold(Cart.initial(), events);
        double before = snapshotted.loadsFromSnapshot();
        snapshotted.restart();
        assertThat(snapshotted.handler.load(STREAM).state()).isEqualTo(folded);
        assertThat(snapshotted.handler.foldAt(STREAM, events.size()).state()).isEqualTo(folded);
        if (events.size() >= every) {
            assertThat(snapshotted.store.loadSnapshot(STREAM)).isPresent();
            assertThat(snapshotted.loadsFromSnapshot()).isGreaterThan(before);
        }
        Statistics.label("snapshot used").collect(snapshotted.loadsFromSnapshot() > 0);
    }

    @Provide
    Arbitrary<Integer> intervals() {
        return Arbitraries.of(1, 2, 3, 5, 10);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> sku = Arbitraries.integers().between(0, SKUS.size() - 1);
        Arbitrary<Integer> quantity = Arbitraries.integers().between(1, 600);
        Arbitrary<Long> price = Arbitraries.longs().between(1, 5_000);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Combinators.combine(sku, quantity, price).as(Add::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(sku, quantity, price).as(Change::new)),
                net.jqwik.api.Tuple.of(2, sku.map(Remove::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Clear())),
                net.jqwik.api.Tuple.of(3, Combinators.combine(Arbitraries.integers().between(-1, 2),
                        Arbitraries.of(0, 0, 0, 1, 2), Arbitraries.of(true, false), price).as(CheckOut::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 5).map(Restore::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Restart())));
        return step.list().ofMinSize(5).ofMaxSize(60);
    }
}
