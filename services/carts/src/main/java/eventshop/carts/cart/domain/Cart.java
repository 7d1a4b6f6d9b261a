package eventshop.carts.cart.domain;

import eventshop.carts.cart.domain.CartErrors.CardExpired;
import eventshop.carts.cart.domain.CartErrors.CartIsEmpty;
import eventshop.carts.cart.domain.CartErrors.DiscontinuedProduct;
import eventshop.carts.cart.domain.CartErrors.IdempotencyKeyReused;
import eventshop.carts.cart.domain.CartErrors.InvalidQuantity;
import eventshop.carts.cart.domain.CartErrors.ItemNotInCart;
import eventshop.carts.cart.domain.CartErrors.LineQuantityExceeded;
import eventshop.carts.cart.domain.CartErrors.TooManyLines;
import eventshop.carts.cart.domain.CartErrors.UnknownCard;
import eventshop.carts.cart.domain.CartErrors.UnknownProduct;
import eventshop.carts.cart.domain.Pricing.PricedCart;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CartCleared;
import eventshop.contracts.carts.CartEvent.CartItemAdded;
import eventshop.contracts.carts.CartEvent.CartItemQuantityChanged;
import eventshop.contracts.carts.CartEvent.CartItemRemoved;
import eventshop.contracts.carts.CartEvent.CartRestored;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.contracts.carts.CartEvent.RestoredLine;
import eventshop.contracts.carts.CartEvent.SkipReason;
import eventshop.contracts.carts.CartEvent.SkippedLine;
import eventshop.eventsourcing.decider.Decider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A customer's cart, one event stream per customer ({@code cart-<customerId>}), decided over the
 * published {@link CartEvent}s. Its state is nothing but its events folded with {@link #evolve}
 * from {@link #initial()}: {@code events.reduce(Cart.initial(), Cart::evolve)}.
 *
 * <p>Phases: {@link Empty} (new, cleared, or every line removed), {@link Open} (at least one line),
 * {@link CheckedOut} (became an order; the next item opens a new cart in the same stream). Every phase
 * carries the {@link Checkouts}: the orders the cart became, with the request and the lines of each.
 *
 * <p>Rules: 1..{@value #MAX_QUANTITY} per line (adding stays within it), at most {@value #MAX_LINES}
 * lines, only products on sale can be added or raised, and a cart checks out only when it has lines,
 * none of them has been discontinued meanwhile, and the card is the customer's and has not expired.
 * A checkout names its order: an order id the cart became already (the same idempotency key again)
 * answers that order only for the same request while nothing happened to the cart since (but that
 * order's own lines coming back); otherwise it is refused ({@link IdempotencyKeyReused}). An order
 * cancelled before it was confirmed gives its lines back once ({@link RestoreOrder}), merged into what
 * the cart holds, within the limits, skipping products no longer on sale. Pure: prices, ids and the
 * customer's e-mail arrive on the commands.
 */
public final class Cart {

    public static final int MAX_QUANTITY = 1000;
    public static final int MAX_LINES = 50;

    public static final Decider<Command, CartEvent, State> DECIDER =
            new Decider<>(initial(), Cart::evolve, Cart::decide);

    private Cart() {
    }

    // ---- commands

    public sealed interface Command {
        String customerId();
    }

    /** Adds {@code quantity} of a product, to its line if the cart has one; {@code product} from the price view. */
    public record AddItem(String customerId, String sku, int quantity, Product product) implements Command {
    }

    /**
     * Sets the quantity of a line the cart holds; {@code product} from the price view (a line of a product
     * no longer on sale may be lowered, not raised).
     */
    public record ChangeQuantity(String customerId, String sku, int quantity, Product product) implements Command {
    }

    public record RemoveItem(String customerId, String sku) implements Command {
    }

    public record Clear(String customerId) implements Command {
    }

    /**
     * Turns the cart into order {@code orderId} at the prices of {@code prices} (the price view's
     * products for the cart's skus when the customer checked out), paid with {@code cardToken}, which
     * payments said is {@code card}.
     */
    public record CheckOut(String customerId, String orderId, String email, PriceList prices,
                           Address shippingAddress, String cardToken, PaymentCard card) implements Command {
    }

    /**
     * Gives back the lines of order {@code orderId}, cancelled before it was confirmed; {@code prices}
     * holds the price view's products for the order's skus.
     */
    public record RestoreOrder(String customerId, String orderId, PriceList prices) implements Command {
    }

    /** The customer's commands, as a cart offers them ({@link Pricing.PricedCart#actions()}). */
    public enum Action {
        ADD_ITEM, CHANGE_QUANTITY, REMOVE_ITEM, CLEAR, CHECK_OUT
    }

    // ---- state

    public sealed interface State {
        /** The lines, in the order they were first added; empty unless {@link Open}. */
        List<Line> lines();

        /** The orders the cart became. */
        Checkouts checkouts();
    }

    /** No lines: a new cart, a cleared one, or one whose lines were all removed. */
    public record Empty(Checkouts checkouts) implements State {
        public Empty() {
            this(Checkouts.NONE);
        }

        @Override
        public List<Line> lines() {
            return List.of();
        }
    }

    /**
     * At least one line. {@code givenBackFrom} names the order whose lines these are, given back right
     * after its checkout with nothing else happening to the cart (null otherwise): a repeat of that
     * checkout still answers that order.
     */
    public record Open(List<Line> lines, Checkouts checkouts, String givenBackFrom) implements State {
        public Open {
            lines = List.copyOf(lines);
        }

        public Open(List<Line> lines, Checkouts checkouts) {
            this(lines, checkouts, null);
        }

        public Open(List<Line> lines) {
            this(lines, Checkouts.NONE);
        }

        Open givenBack(String orderId) {
            return new Open(lines, checkouts, orderId);
        }

        Optional<Line> line(String sku) {
            return lines.stream().filter(line -> line.sku().equals(sku)).findFirst();
        }

        Open with(Line changed) {
            List<Line> next = new ArrayList<>(lines.size() + 1);
            boolean found = false;
            for (Line line : lines) {
                if (line.sku().equals(changed.sku())) {
                    next.add(changed);
                    found = true;
                } else {
                    next.add(line);
                }
            }
            if (!found) {
                next.add(changed);
            }
            return new Open(next, checkouts);
        }

        State without(String sku) {
            List<Line> next = lines.stream().filter(line -> !line.sku().equals(sku)).toList();
            return next.isEmpty() ? new Empty(checkouts) : new Open(next, checkouts);
        }
    }

    /** Became order {@code orderId}; nothing added since. */
    public record CheckedOut(String orderId, Checkouts checkouts) implements State {
        @Override
        public List<Line> lines() {
            return List.of();
        }
    }

    public static State initial() {
        return new Empty();
    }

    // ---- evolve: one event into the state

    public static State evolve(State state, CartEvent event) {
        return switch (event) {
            case CartItemAdded added -> adding(state, added.sku(), added.quantity(), added.unitPriceCents());
            case CartItemQuantityChanged changed -> switch (state) {
                case Open open -> open.line(changed.sku())
                        .map(line -> (State) open.with(line.withQuantity(changed.quantity()))).orElse(open);
                case Empty empty -> empty;
                case CheckedOut checkedOut -> checkedOut;
            };
            case CartItemRemoved removed -> state instanceof Open open ? open.without(removed.sku()) : state;
            case CartCleared cleared -> new Empty(state.checkouts());
            case CartCheckedOut checkedOut -> new CheckedOut(checkedOut.orderId(),
                    state.checkouts().with(checkedOut));
            case CartRestored restored -> {
                State next = withCheckouts(state, state.checkouts().restoring(restored.orderId()));
                for (RestoredLine line : restored.lines()) {
                    next = adding(next, line.sku(), line.quantity(), line.unitPriceCents());
                }
                yield state instanceof CheckedOut checkedOut && checkedOut.orderId().equals(restored.orderId())
                        && next instanceof Open open ? open.givenBack(restored.orderId()) : next;
            }
        };
    }

    /** {@code quantity} more of {@code sku}, its line now priced {@code unitPriceCents} (kept if unknown). */
    private static State adding(State state, String sku, int quantity, Long unitPriceCents) {
        return switch (state) {
            case Open open -> open.with(open.line(sku)
                    .map(line -> new Line(sku, line.quantity() + quantity,
                            unitPriceCents != null ? unitPriceCents : line.unitPriceCentsWhenAdded()))
                    .orElse(new Line(sku, quantity, unitPriceCents)));
            case Empty empty -> new Open(List.of(new Line(sku, quantity, unitPriceCents)), empty.checkouts());
            case CheckedOut checkedOut ->
                    new Open(List.of(new Line(sku, quantity, unitPriceCents)), checkedOut.checkouts());
        };
    }

    private static State withCheckouts(State state, Checkouts checkouts) {
        return switch (state) {
            case Empty empty -> new Empty(checkouts);
            case Open open -> new Open(open.lines(), checkouts);
            case CheckedOut checkedOut -> new CheckedOut(checkedOut.orderId(), checkouts);
        };
    }

    // ---- decide: a command against the state

    public static List<CartEvent> decide(Command command, State state) {
        return switch (command) {
            case AddItem add -> add(add, state);
            case ChangeQuantity change -> change(change, state);
            case RemoveItem remove -> {
                requireLine(state, remove.sku());
                yield List.of(new CartItemRemoved(remove.customerId(), remove.sku()));
            }
            case Clear clear -> switch (state) {
                case Open open -> List.of(new CartCleared(clear.customerId()));
                case Empty empty -> List.of();
                case CheckedOut checkedOut -> List.of();
            };
            case CheckOut checkOut -> checkOut(checkOut, state);
            case RestoreOrder restore -> restore(restore, state);
        };
    }

    private static List<CartEvent> add(AddItem add, State state) {
        requireValidQuantity(add.quantity());
        long unitPriceCents = switch (add.product()) {
            case Product.OnSale onSale -> onSale.unitPriceCents();
            case Product.Discontinued discontinued -> throw new DiscontinuedProduct(List.of(add.sku()));
            case Product.Unknown unknown -> throw new UnknownProduct(add.sku());
        };
        List<Line> lines = state.lines();
        int inCart = lines.stream().filter(line -> line.sku().equals(add.sku())).mapToInt(Line::quantity).sum();
        boolean newLine = lines.stream().noneMatch(line -> line.sku().equals(add.sku()));
        if (newLine && lines.size() >= MAX_LINES) {
            throw new TooManyLines(add.sku());
        }
        if (inCart + add.quantity() > MAX_QUANTITY) {
            throw new LineQuantityExceeded(add.sku(), inCart, add.quantity());
        }
        return List.of(new CartItemAdded(add.customerId(), add.sku(), add.quantity(), unitPriceCents));
    }

    private static List<CartEvent> change(ChangeQuantity change, State state) {
        requireValidQuantity(change.quantity());
        Line line = requireLine(state, change.sku());
        if (line.quantity() == change.quantity()) {
            return List.of();
        }
        if (change.quantity() > line.quantity()) {
            switch (change.product()) {
                case Product.OnSale onSale -> {
                }
                case Product.Discontinued discontinued -> throw new DiscontinuedProduct(List.of(change.sku()));
                case Product.Unknown unknown -> throw new UnknownProduct(change.sku());
            }
        }
        return List.of(new CartItemQuantityChanged(change.customerId(), change.sku(), change.quantity()));
    }

    private static List<CartEvent> checkOut(CheckOut checkOut, State state) {
        Optional<Checkouts.Checkout> earlier = state.checkouts().of(checkOut.orderId());
        if (earlier.isPresent()) {
            if (!earlier.get().sameRequest(checkOut.shippingAddress(), checkOut.cardToken())) {
                throw IdempotencyKeyReused.withAnotherRequest(checkOut.orderId());
            }
            if (unchangedSince(state, checkOut.orderId())) {
                return List.of();   // the same checkout again: it was that order
            }
            throw IdempotencyKeyReused.afterTheCartChanged(checkOut.orderId());
        }
        return switch (state) {
            case Empty empty -> throw new CartIsEmpty("the cart is empty; add items before checking out");
            case CheckedOut checkedOut -> throw new CartIsEmpty("the cart was checked out as order "
                    + checkedOut.orderId() + " and is empty now; add items before checking out");
            case Open open -> {
                switch (checkOut.card()) {
                    case PaymentCard.Usable usable -> {
                    }
                    case PaymentCard.Expired expired -> throw new CardExpired(expired.expiry());
                    case PaymentCard.NotOnFile notOnFile -> throw new UnknownCard();
                }
                requireAllOnSale(open.lines(), checkOut.prices());
                PricedCart priced = Pricing.price(open.lines(), checkOut.prices());
                List<CheckedOutLine> lines = priced.lines().stream()
                        .map(line -> new CheckedOutLine(line.sku(), line.name(), line.quantity(),
                                line.unitPriceCents(), line.lineTotalCents()))
                        .toList();
                yield List.of(new CartCheckedOut(checkOut.customerId(), checkOut.orderId(), checkOut.email(), lines,
                        priced.subtotalCents(), priced.taxCents(), priced.totalCents(), checkOut.shippingAddress(),
                        checkOut.cardToken()));
            }
        };
    }

    /**
     * Whether nothing happened to the cart since it was checked out as {@code orderId}, but, perhaps, that
     * order's own lines coming back (cancelled before confirmation): no new line was added, none changed.
     */
    private static boolean unchangedSince(State state, String orderId) {
        return switch (state) {
            case CheckedOut checkedOut -> checkedOut.orderId().equals(orderId);
            case Open open -> orderId.equals(open.givenBackFrom());
            case Empty empty -> false;
        };
    }

    /**
     * The order's lines back into the cart, once: each product still on sale is added to the customer's
     * line of it (capped at {@value #MAX_QUANTITY}, the rest skipped) or as a new line while the cart has
     * fewer than {@value #MAX_LINES}. An order this cart never became, or gave back already, decides nothing.
     */
    private static List<CartEvent> restore(RestoreOrder restore, State state) {
        Optional<Checkouts.Checkout> checkout = state.checkouts().of(restore.orderId());
        if (checkout.isEmpty() || state.checkouts().wasRestored(restore.orderId())) {
            return List.of();
        }
        Map<String, Integer> inCart = new LinkedHashMap<>();
        state.lines().forEach(line -> inCart.put(line.sku(), line.quantity()));
        List<RestoredLine> restored = new ArrayList<>();
        List<SkippedLine> skipped = new ArrayList<>();
        for (CheckedOutLine line : checkout.get().lines()) {
            SkipReason notOnSale = switch (restore.prices().product(line.sku())) {
                case Product.OnSale onSale -> null;
                case Product.Discontinued discontinued -> SkipReason.DISCONTINUED;
                case Product.Unknown unknown -> SkipReason.UNKNOWN_PRODUCT;
            };
            if (notOnSale != null) {
                skipped.add(new SkippedLine(line.sku(), line.quantity(), notOnSale));
                continue;
            }
            Integer held = inCart.get(line.sku());
            if (held == null && inCart.size() >= MAX_LINES) {
                skipped.add(new SkippedLine(line.sku(), line.quantity(), SkipReason.CART_LINE_LIMIT));
                continue;
            }
            int before = held == null ? 0 : held;
            int back = Math.min(line.quantity(), MAX_QUANTITY - before);
            if (back > 0) {
                restored.add(new RestoredLine(line.sku(), back, line.unitPriceCents()));
                inCart.put(line.sku(), before + back);
            }
            if (back < line.quantity()) {
                skipped.add(new SkippedLine(line.sku(), line.quantity() - back, SkipReason.LINE_QUANTITY_LIMIT));
            }
        }
        return List.of(new CartRestored(restore.customerId(), restore.orderId(), restored, skipped));
    }

    private static void requireAllOnSale(List<Line> lines, PriceList prices) {
        List<String> discontinued = new ArrayList<>();
        for (Line line : lines) {
            switch (prices.product(line.sku())) {
                case Product.OnSale onSale -> {
                }
                case Product.Discontinued product -> discontinued.add(product.sku());
                case Product.Unknown unknown -> throw new UnknownProduct(unknown.sku());
            }
        }
        if (!discontinued.isEmpty()) {
            throw new DiscontinuedProduct(discontinued);
        }
    }

    private static void requireValidQuantity(int quantity) {
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new InvalidQuantity(quantity);
        }
    }

    private static Line requireLine(State state, String sku) {
        return state.lines().stream().filter(line -> line.sku().equals(sku)).findFirst()
                .orElseThrow(() -> new ItemNotInCart(sku));
    }
}
