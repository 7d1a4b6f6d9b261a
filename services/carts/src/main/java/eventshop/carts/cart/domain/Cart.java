package eventshop.carts.cart.domain;

import eventshop.carts.cart.domain.CartErrors.CartIsEmpty;
import eventshop.carts.cart.domain.CartErrors.DiscontinuedProduct;
import eventshop.carts.cart.domain.CartErrors.InvalidQuantity;
import eventshop.carts.cart.domain.CartErrors.ItemNotInCart;
import eventshop.carts.cart.domain.CartErrors.LineQuantityExceeded;
import eventshop.carts.cart.domain.CartErrors.TooManyLines;
import eventshop.carts.cart.domain.CartErrors.UnknownProduct;
import eventshop.carts.cart.domain.Pricing.PricedCart;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CartCleared;
import eventshop.contracts.carts.CartEvent.CartItemAdded;
import eventshop.contracts.carts.CartEvent.CartItemQuantityChanged;
import eventshop.contracts.carts.CartEvent.CartItemRemoved;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.eventsourcing.decider.Decider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A customer's cart, one event stream per customer ({@code cart-<customerId>}), decided over the
 * published {@link CartEvent}s. Its state is nothing but its events folded with {@link #evolve}
 * from {@link #initial()}: {@code events.reduce(Cart.initial(), Cart::evolve)}.
 *
 * <p>Phases: {@link Empty} (new, cleared, or every line removed), {@link Open} (at least one line),
 * {@link CheckedOut} (became an order; the next item opens a new cart in the same stream).
 * Rules: 1..{@value #MAX_QUANTITY} per line (adding stays within it), at most {@value #MAX_LINES}
 * lines, only products on sale can be added, and a cart checks out only when it has lines and none
 * of them has been discontinued meanwhile. Pure: prices, ids and the customer's e-mail arrive on
 * the commands.
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

    /** Sets the quantity of a line the cart holds. */
    public record ChangeQuantity(String customerId, String sku, int quantity) implements Command {
    }

    public record RemoveItem(String customerId, String sku) implements Command {
    }

    public record Clear(String customerId) implements Command {
    }

    /**
     * Turns the cart into order {@code orderId} at the prices of {@code prices} (the price view's
     * products for the cart's skus when the customer checked out).
     */
    public record CheckOut(String customerId, String orderId, String email, PriceList prices,
                           Address shippingAddress, String cardToken) implements Command {
    }

    // ---- state

    public sealed interface State {
        /** The lines, in the order they were first added; empty unless {@link Open}. */
        List<Line> lines();
    }

    /** No lines: a new cart, a cleared one, or one whose lines were all removed. */
    public record Empty() implements State {
        @Override
        public List<Line> lines() {
            return List.of();
        }
    }

    /** At least one line. */
    public record Open(List<Line> lines) implements State {
        public Open {
            lines = List.copyOf(lines);
        }

        Optional<Line> line(String sku) {
            return lines.stream().filter(line -> line.sku().equals(sku)).findFirst();
        }

        State with(String sku, int quantity) {
            List<Line> next = new ArrayList<>(lines.size() + 1);
            boolean found = false;
            for (Line line : lines) {
                if (line.sku().equals(sku)) {
                    next.add(new Line(sku, quantity));
                    found = true;
                } else {
                    next.add(line);
                }
            }
            if (!found) {
                next.add(new Line(sku, quantity));
            }
            return new Open(next);
        }

        State without(String sku) {
            List<Line> next = lines.stream().filter(line -> !line.sku().equals(sku)).toList();
            return next.isEmpty() ? new Empty() : new Open(next);
        }
    }

    /** Became order {@code orderId}; nothing added since. */
    public record CheckedOut(String orderId) implements State {
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
            case CartItemAdded added -> switch (state) {
                case Open open -> open.with(added.sku(),
                        open.line(added.sku()).map(Line::quantity).orElse(0) + added.quantity());
                case Empty empty -> new Open(List.of(new Line(added.sku(), added.quantity())));
                case CheckedOut checkedOut -> new Open(List.of(new Line(added.sku(), added.quantity())));
            };
            case CartItemQuantityChanged changed -> state instanceof Open open
                    ? open.with(changed.sku(), changed.quantity()) : state;
            case CartItemRemoved removed -> state instanceof Open open ? open.without(removed.sku()) : state;
            case CartCleared cleared -> new Empty();
            case CartCheckedOut checkedOut -> new CheckedOut(checkedOut.orderId());
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
        };
    }

    private static List<CartEvent> add(AddItem add, State state) {
        requireValidQuantity(add.quantity());
        switch (add.product()) {
            case Product.OnSale onSale -> {
            }
            case Product.Discontinued discontinued -> throw new DiscontinuedProduct(List.of(add.sku()));
            case Product.Unknown unknown -> throw new UnknownProduct(add.sku());
        }
        List<Line> lines = state.lines();
        int inCart = lines.stream().filter(line -> line.sku().equals(add.sku())).mapToInt(Line::quantity).sum();
        boolean newLine = lines.stream().noneMatch(line -> line.sku().equals(add.sku()));
        if (newLine && lines.size() >= MAX_LINES) {
            throw new TooManyLines(add.sku());
        }
        if (inCart + add.quantity() > MAX_QUANTITY) {
            throw new LineQuantityExceeded(add.sku(), inCart, add.quantity());
        }
        return List.of(new CartItemAdded(add.customerId(), add.sku(), add.quantity()));
    }

    private static List<CartEvent> change(ChangeQuantity change, State state) {
        requireValidQuantity(change.quantity());
        Line line = requireLine(state, change.sku());
        if (line.quantity() == change.quantity()) {
            return List.of();
        }
        return List.of(new CartItemQuantityChanged(change.customerId(), change.sku(), change.quantity()));
    }

    private static List<CartEvent> checkOut(CheckOut checkOut, State state) {
        return switch (state) {
            case Empty empty -> throw new CartIsEmpty("the cart is empty; add items before checking out");
            case CheckedOut checkedOut -> {
                if (checkedOut.orderId().equals(checkOut.orderId())) {
                    yield List.of();
                }
                throw new CartIsEmpty("the cart was checked out as order " + checkedOut.orderId()
                        + " and is empty now; add items before checking out");
            }
            case Open open -> {
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
