package eventshop.carts.cart;

import eventshop.carts.cart.domain.Cart;
import eventshop.carts.cart.domain.Cart.AddItem;
import eventshop.carts.cart.domain.Cart.ChangeQuantity;
import eventshop.carts.cart.domain.Cart.CheckOut;
import eventshop.carts.cart.domain.Cart.Clear;
import eventshop.carts.cart.domain.Cart.RemoveItem;
import eventshop.carts.cart.domain.Cart.RestoreOrder;
import eventshop.carts.cart.domain.Line;
import eventshop.carts.cart.domain.PaymentCard;
import eventshop.carts.cart.domain.Pricing;
import eventshop.carts.cart.domain.Pricing.PricedCart;
import eventshop.carts.prices.Prices;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The carts use cases: each customer's cart is the stream {@code cart-<customerId>}, and its state
 * is <b>the Reactor fold of its events</b>, started from the latest snapshot of that fold (one every
 * {@code eventshop.carts.snapshot-every} events: a cart stream keeps every cart the customer ever had), else
 * from {@link Cart#initial()}:
 * <pre>{@code
 * store.read(streamId, fromVersion).reduce(snapshotOrInitial, Cart::evolve)
 * }</pre>
 * (in {@link #state}). Commands are decided by the same fold ({@link CommandHandler#decide} loads the
 * stream with {@code loadAsync}, a {@code reduce} over the store's {@code Flux}), with the product
 * data from the local price view put on the command, and appended expecting the version folded. A
 * command reads the stream once: what depends on the cart (the checkout's prices, the lines to give back)
 * is made from the state the handler folded, and the answer is that state with the new events folded on.
 *
 * <p>Because queries fold the stream itself, a query right after a command always sees it
 * (read-your-writes with no read model to wait for): the {@code Consistency-Token} a command
 * returns is accepted by the queries and is satisfied trivially.
 */
@Service
public class Carts {

    private final CommandHandler<Cart.Command, CartEvent, Cart.State> handler;
    private final EventStore store;
    private final Prices prices;
    private final Supplier<UUID> ids;

    /** Snapshot interval unless {@code eventshop.carts.snapshot-every} says otherwise (see {@link #Carts}). */
    public static final int DEFAULT_SNAPSHOT_EVERY = 100;

    /**
     * @param snapshotEvery a snapshot of the cart every this many events ({@code eventshop.carts.snapshot-every},
     *                      {@value #DEFAULT_SNAPSHOT_EVERY} by default; 0 for none): a cart stream holds every cart
     *                      the customer ever had and grows without bound, so a load reads the latest snapshot and
     *                      at most this many events after it. At 100 a cold load of a 10,000-event cart costs about
     *                      what a 100-event cart costs, and snapshots (a write each, off the command's path) come
     *                      every 100 events (docs/benchmarks.md, "Snapshots")
     */
    public Carts(EventStore store, Prices prices, Clock clock, Supplier<UUID> ids, EventSourcingProperties properties,
                 @Value("${eventshop.carts.snapshot-every:" + DEFAULT_SNAPSHOT_EVERY + "}") int snapshotEvery,
                 MeterRegistry registry) {
        this.handler = CommandHandler.builder(properties.serviceName(), store, Cart.DECIDER,
                        JsonEventCodec.of(CartEvent.class))
                .clock(clock)
                .snapshotting(snapshotEvery > 0 ? snapshotting(snapshotEvery) : null)
                .meterRegistry(registry)
                .build();
        this.store = store;
        this.prices = prices;
        this.ids = ids;
    }

    /**
     * The carts' snapshots: the cart's state as JSON, every {@code every} events. Raise the version when
     * {@link Cart#evolve} folds differently while the state's records keep their shape (a change of shape
     * changes the snapshot type by itself); older snapshots are then ignored and replaced.
     */
    public static CommandHandler.Snapshotting<Cart.State> snapshotting(int every) {
        return CommandHandler.Snapshotting.json("cart", 1, Cart.State.class, every);
    }

    /** The cart aggregate, for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("cart", streamOf(""), handler);
    }

    /** A cart after a command, and where the command's events are in the log. */
    public record Outcome(PricedCart cart, ConsistencyToken token) {
    }

    /** A checkout: the order the cart became. */
    public record CheckedOut(String orderId, ConsistencyToken token) {
    }

    public static String streamOf(String customerId) {
        return "cart-" + customerId;
    }

    /**
     * THE FOLD: the customer's cart is its events reduced with {@link Cart#evolve}, from the cart's latest
     * snapshot (a state this fold gave before) or from {@link Cart#initial()}:
     * {@code store.read(stream, snapshot.version() + 1).reduce(snapshot.state(), Cart::evolve)}, in
     * {@link CommandHandler#loadAsync}.
     */
    public Mono<Cart.State> state(String customerId) {
        return handler.loadAsync(streamOf(customerId)).map(CommandHandler.Loaded::state);
    }

    /** The cart at the current prices of the price view. */
    public PricedCart view(String customerId) {
        Cart.State state = state(customerId).block();
        return priced(state.lines());
    }

    public Outcome add(String customerId, String sku, int quantity, CommandContext context) {
        return decide(customerId, new AddItem(customerId, sku, quantity, prices.product(sku)), context);
    }

    public Outcome changeQuantity(String customerId, String sku, int quantity, CommandContext context) {
        return decide(customerId, new ChangeQuantity(customerId, sku, quantity, prices.product(sku)), context);
    }

    public Outcome remove(String customerId, String sku, CommandContext context) {
        return decide(customerId, new RemoveItem(customerId, sku), context);
    }

    public Outcome clear(String customerId, CommandContext context) {
        return decide(customerId, new Clear(customerId), context);
    }

    /**
     * Checks the cart out as a new order, at the prices the view has for the cart's skus now; the
     * decider refuses an empty cart, discontinued products, and a card that is not the customer's or
     * has expired.
     *
     * <p>The order id comes from the injected supplier, or, when the client sends an idempotency key,
     * from the customer and the key: a retry with the same key decides the same checkout again, which
     * the cart answers with no new event and the same order id as long as the request is the same and
     * nothing happened to the cart since; otherwise the key is refused ({@code IdempotencyKeyReused}).
     * Without a key a second checkout (a double click) finds the cart already checked out and is refused
     * ({@code CartIsEmpty}); concurrent ones race on the stream's version, so there is one
     * {@code CartCheckedOut}, hence one order, either way.
     *
     * @param card           what payments said {@code cardToken} is ({@link PaymentCards})
     * @param idempotencyKey the client's key for this checkout, or {@code null}
     */
    public CheckedOut checkOut(String customerId, String email, Address shippingAddress, String cardToken,
                               PaymentCard card, String idempotencyKey, CommandContext context) {
        String orderId = (idempotencyKey == null ? ids.get()
                : UUID.nameUUIDFromBytes(("checkout\n" + customerId + "\n" + idempotencyKey)
                        .getBytes(StandardCharsets.UTF_8))).toString();
        CommandResult<CartEvent> result = handler.decide(streamOf(customerId), cart -> new CheckOut(customerId,
                orderId, email, prices.list(skus(cart.lines())), shippingAddress, cardToken, card), context).result();
        return new CheckedOut(orderId, result.token());
    }

    /**
     * Gives the customer's cart the lines of order {@code orderId} back (the order was cancelled before it
     * was confirmed), priced by the view now to skip what is no longer on sale. Once per order: the cart
     * remembers what it gave back, so a redelivered cancellation decides nothing; so does an order the
     * cart never became.
     *
     * @return the events appended (none, or one {@code CartRestored})
     */
    public List<CartEvent> restore(String customerId, String orderId, CommandContext context) {
        return handler.decide(streamOf(customerId), cart -> new RestoreOrder(customerId, orderId,
                prices.list(cart.checkouts().of(orderId)
                        .map(checkout -> checkout.lines().stream().map(CheckedOutLine::sku).toList())
                        .orElse(List.of()))), context).result().events();
    }

    /** The cart's stored events from {@code fromVersion}, at most {@code limit}. */
    public List<RecordedEvent> events(String customerId, long fromVersion, int limit) {
        return store.read(streamOf(customerId), fromVersion).take(limit).collectList().block();
    }

    /** Decides {@code command}; the answer is the cart the command left, priced (one fold of the stream). */
    private Outcome decide(String customerId, Cart.Command command, CommandContext context) {
        CommandHandler.Decided<CartEvent, Cart.State> decided = handler.decide(streamOf(customerId),
                cart -> command, context);
        return new Outcome(priced(decided.state().lines()), decided.result().token());
    }

    private static List<String> skus(List<Line> lines) {
        return lines.stream().map(Line::sku).toList();
    }

    private PricedCart priced(List<Line> lines) {
        return lines.isEmpty() ? PricedCart.EMPTY
                : Pricing.price(lines, prices.list(skus(lines)));
    }
}
