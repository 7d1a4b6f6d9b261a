package eventshop.carts.cart.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.carts.cart.domain.Cart.AddItem;
import eventshop.carts.cart.domain.Cart.ChangeQuantity;
import eventshop.carts.cart.domain.Cart.CheckOut;
import eventshop.carts.cart.domain.Cart.Clear;
import eventshop.carts.cart.domain.Cart.RemoveItem;
import eventshop.carts.cart.domain.CartErrors.CartIsEmpty;
import eventshop.carts.cart.domain.CartErrors.DiscontinuedProduct;
import eventshop.carts.cart.domain.CartErrors.InvalidQuantity;
import eventshop.carts.cart.domain.CartErrors.ItemNotInCart;
import eventshop.carts.cart.domain.CartErrors.LineQuantityExceeded;
import eventshop.carts.cart.domain.CartErrors.TooManyLines;
import eventshop.carts.cart.domain.CartErrors.UnknownProduct;
import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CartCleared;
import eventshop.contracts.carts.CartEvent.CartItemAdded;
import eventshop.contracts.carts.CartEvent.CartItemQuantityChanged;
import eventshop.contracts.carts.CartEvent.CartItemRemoved;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.eventsourcing.testing.DeciderFixture;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/** The cart decider, given events / when command / then events or error; no Spring, no store. */
class CartTest {

    private static final String ME = "acc-1";
    private static final String KEYBOARD = "SKU-24642";
    private static final String MOUSE = "SKU-34563";
    private static final Product.OnSale KEYBOARD_AT_1250 = new Product.OnSale(KEYBOARD, "Keyboard", 1250);
    private static final Product.OnSale MOUSE_AT_499 = new Product.OnSale(MOUSE, "Mouse", 499);
    private static final Address HOME = new Address("Ada Lovelace", "1 Analytical St", "", "London", "N1 9GU", "GB");
    private static final String CARD = "tok_visa4242abcd";

    private final DeciderFixture<Cart.Command, CartEvent, Cart.State> cart = DeciderFixture.of(Cart.DECIDER);

    private static AddItem add(Product product, int quantity) {
        return new AddItem(ME, product.sku(), quantity, product);
    }

    private static CartItemAdded added(String sku, int quantity) {
        return new CartItemAdded(ME, sku, quantity);
    }

    private static CheckOut checkOut(String orderId, Product... products) {
        return new CheckOut(ME, orderId, "ada@example.com",
                new PriceList(java.util.Arrays.stream(products).collect(
                        java.util.stream.Collectors.toMap(Product::sku, product -> product))),
                HOME, CARD);
    }

    @Test
    void theState_isTheReactorFoldOfTheEvents() {
        List<CartEvent> events = List.of(added(KEYBOARD, 2), added(MOUSE, 1), added(KEYBOARD, 3),
                new CartItemQuantityChanged(ME, MOUSE, 4), new CartItemRemoved(ME, KEYBOARD));

        Cart.State state = Flux.fromIterable(events).reduce(Cart.initial(), Cart::evolve).block();

        assertThat(state).isEqualTo(new Cart.Open(List.of(new Line(MOUSE, 4))));
    }

    @Nested
    class AddingItems {

        @Test
        void addItem_toAnEmptyCart_opensALine() {
            Cart.State state = cart.when(add(KEYBOARD_AT_1250, 2)).then(added(KEYBOARD, 2));

            assertThat(state).isEqualTo(new Cart.Open(List.of(new Line(KEYBOARD, 2))));
        }

        @Test
        void addItem_addsToTheExistingLine() {
            Cart.State state = cart.given(added(KEYBOARD, 3), added(MOUSE, 1))
                    .when(add(KEYBOARD_AT_1250, 2)).then(added(KEYBOARD, 2));

            assertThat(state.lines()).containsExactly(new Line(KEYBOARD, 5), new Line(MOUSE, 1));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001, 1_000_000_000, Integer.MIN_VALUE})
        void addItem_refusesQuantitiesOutside1To1000(int quantity) {
            cart.when(add(KEYBOARD_AT_1250, quantity)).thenError(InvalidQuantity.class);
        }

        @Test
        void addItem_accepts1000() {
            cart.when(add(KEYBOARD_AT_1250, 1000)).then(added(KEYBOARD, 1000));
        }

        @Test
        void addItem_mayFillALineUpTo1000() {
            cart.given(added(KEYBOARD, 999)).when(add(KEYBOARD_AT_1250, 1)).then(added(KEYBOARD, 1));
        }

        @Test
        void addItem_refusesALineTotalAbove1000() {
            LineQuantityExceeded error = cart.given(added(KEYBOARD, 999)).when(add(KEYBOARD_AT_1250, 2))
                    .thenError(LineQuantityExceeded.class);

            assertThat(error).hasMessageContaining("999").hasMessageContaining(KEYBOARD);
        }

        @Test
        void addItem_refusesA51stLine_butAddsToOneOfThe50() {
            CartEvent[] fifty = IntStream.range(0, Cart.MAX_LINES).mapToObj(i -> added("SKU-" + i, 1))
                    .toArray(CartEvent[]::new);

            cart.given(fifty).when(add(KEYBOARD_AT_1250, 1)).thenError(TooManyLines.class);
            cart.given(fifty).when(add(new Product.OnSale("SKU-7", "Seven", 7), 2)).then(added("SKU-7", 2));
        }

        @Test
        void addItem_refusesAnUnknownProduct() {
            UnknownProduct error = cart.when(new AddItem(ME, "SKU-404", 1, new Product.Unknown("SKU-404")))
                    .thenError(UnknownProduct.class);

            assertThat(error.sku()).isEqualTo("SKU-404");
        }

        @Test
        void addItem_refusesADiscontinuedProduct() {
            DiscontinuedProduct error = cart.when(add(new Product.Discontinued(KEYBOARD, "Keyboard", 1250), 1))
                    .thenError(DiscontinuedProduct.class);

            assertThat(error.skus()).containsExactly(KEYBOARD);
        }

        @Test
        void addItem_afterCheckout_opensANewCartInTheSameStream() {
            Cart.State state = cart.given(added(KEYBOARD, 2), checkedOut("order-1", 2500))
                    .when(add(MOUSE_AT_499, 1)).then(added(MOUSE, 1));

            assertThat(state).isEqualTo(new Cart.Open(List.of(new Line(MOUSE, 1))));
        }
    }

    @Nested
    class ChangingQuantities {

        @Test
        void changeQuantity_setsTheLine() {
            Cart.State state = cart.given(added(KEYBOARD, 3)).when(new ChangeQuantity(ME, KEYBOARD, 7))
                    .then(new CartItemQuantityChanged(ME, KEYBOARD, 7));

            assertThat(state.lines()).containsExactly(new Line(KEYBOARD, 7));
        }

        @Test
        void changeQuantity_toTheSameQuantity_decidesNothing() {
            cart.given(added(KEYBOARD, 3)).when(new ChangeQuantity(ME, KEYBOARD, 3)).thenNothing();
        }

        @Test
        void changeQuantity_accepts1000() {
            cart.given(added(KEYBOARD, 3)).when(new ChangeQuantity(ME, KEYBOARD, 1000))
                    .then(new CartItemQuantityChanged(ME, KEYBOARD, 1000));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001, 1_000_000_000})
        void changeQuantity_refusesQuantitiesOutside1To1000(int quantity) {
            cart.given(added(KEYBOARD, 3)).when(new ChangeQuantity(ME, KEYBOARD, quantity))
                    .thenError(InvalidQuantity.class);
        }

        @Test
        void changeQuantity_ofASkuNotInTheCart_isNotFound() {
            cart.given(added(KEYBOARD, 3)).when(new ChangeQuantity(ME, MOUSE, 1)).thenError(ItemNotInCart.class);
            cart.when(new ChangeQuantity(ME, MOUSE, 1)).thenError(ItemNotInCart.class);
            cart.given(added(KEYBOARD, 3), checkedOut("order-1", 3750)).when(new ChangeQuantity(ME, KEYBOARD, 1))
                    .thenError(ItemNotInCart.class);
        }
    }

    @Nested
    class RemovingAndClearing {

        @Test
        void removeItem_dropsTheLine() {
            Cart.State state = cart.given(added(KEYBOARD, 3), added(MOUSE, 1)).when(new RemoveItem(ME, KEYBOARD))
                    .then(new CartItemRemoved(ME, KEYBOARD));

            assertThat(state.lines()).containsExactly(new Line(MOUSE, 1));
        }

        @Test
        void removingTheLastLine_leavesAnEmptyCart() {
            Cart.State state = cart.given(added(KEYBOARD, 3)).when(new RemoveItem(ME, KEYBOARD))
                    .then(new CartItemRemoved(ME, KEYBOARD));

            assertThat(state).isEqualTo(new Cart.Empty());
        }

        @Test
        void removeItem_ofASkuNotInTheCart_isNotFound() {
            cart.given(added(KEYBOARD, 3)).when(new RemoveItem(ME, MOUSE)).thenError(ItemNotInCart.class);
            cart.when(new RemoveItem(ME, MOUSE)).thenError(ItemNotInCart.class);
        }

        @Test
        void clear_emptiesAnOpenCart() {
            Cart.State state = cart.given(added(KEYBOARD, 3), added(MOUSE, 1)).when(new Clear(ME))
                    .then(new CartCleared(ME));

            assertThat(state).isEqualTo(new Cart.Empty());
        }

        @Test
        void clear_ofAnEmptyOrCheckedOutCart_decidesNothing() {
            cart.when(new Clear(ME)).thenNothing();
            cart.given(added(KEYBOARD, 1), new CartCleared(ME)).when(new Clear(ME)).thenNothing();
            cart.given(added(KEYBOARD, 1), checkedOut("order-1", 1250)).when(new Clear(ME)).thenNothing();
        }
    }

    @Nested
    class CheckingOut {

        @Test
        void checkOut_capturesLinesPricesTotalsAddressAndCard() {
            Cart.State state = cart.given(added(KEYBOARD, 2), added(MOUSE, 3))
                    .when(checkOut("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartCheckedOut(ME, "order-1", "ada@example.com",
                            List.of(new CheckedOutLine(KEYBOARD, "Keyboard", 2, 1250, 2500),
                                    new CheckedOutLine(MOUSE, "Mouse", 3, 499, 1497)),
                            3997, 240, 4237, HOME, CARD));

            assertThat(state).isEqualTo(new Cart.CheckedOut("order-1"));
            assertThat(state.lines()).isEmpty();
        }

        @Test
        void checkOut_usesThePricesOnTheCommand_notThoseWhenAdded() {
            CartCheckedOut event = (CartCheckedOut) decide(List.of(added(KEYBOARD, 1)),
                    checkOut("order-1", new Product.OnSale(KEYBOARD, "Keyboard", 1100))).getFirst();

            assertThat(event.lines()).containsExactly(new CheckedOutLine(KEYBOARD, "Keyboard", 1, 1100, 1100));
            assertThat(event.subtotalCents()).isEqualTo(1100);
            assertThat(event.taxCents()).isEqualTo(66);
            assertThat(event.totalCents()).isEqualTo(1166);
        }

        @Test
        void checkOut_ofAnEmptyCart_isRefused() {
            cart.when(checkOut("order-1")).thenError(CartIsEmpty.class);
        }

        @Test
        void checkOut_ofACartWhoseLinesWereRemovedOrCleared_isRefused() {
            cart.given(added(KEYBOARD, 1), new CartItemRemoved(ME, KEYBOARD)).when(checkOut("order-1", KEYBOARD_AT_1250))
                    .thenError(CartIsEmpty.class);
            cart.given(added(KEYBOARD, 1), new CartCleared(ME)).when(checkOut("order-1", KEYBOARD_AT_1250))
                    .thenError(CartIsEmpty.class);
        }

        @Test
        void checkOut_twice_isRefused_unlessItIsTheSameOrderAgain() {
            CartIsEmpty error = cart.given(added(KEYBOARD, 1), checkedOut("order-1", 1250))
                    .when(checkOut("order-2", KEYBOARD_AT_1250)).thenError(CartIsEmpty.class);
            assertThat(error).hasMessageContaining("order-1");

            cart.given(added(KEYBOARD, 1), checkedOut("order-1", 1250)).when(checkOut("order-1", KEYBOARD_AT_1250))
                    .thenNothing();
        }

        @Test
        void checkOut_withAProductDiscontinuedMeanwhile_isRefused_namingIt() {
            DiscontinuedProduct error = cart.given(added(KEYBOARD, 1), added(MOUSE, 1))
                    .when(checkOut("order-1", new Product.Discontinued(KEYBOARD, "Keyboard", 1250), MOUSE_AT_499))
                    .thenError(DiscontinuedProduct.class);

            assertThat(error.skus()).containsExactly(KEYBOARD);
            assertThat(error).hasMessageContaining(KEYBOARD);
        }

        @Test
        void checkOut_withAProductThePriceViewDoesNotKnow_isRefused() {
            cart.given(added(KEYBOARD, 1), added(MOUSE, 1)).when(checkOut("order-1", MOUSE_AT_499))
                    .thenError(UnknownProduct.class);
        }

        @Test
        void checkOut_ofTheLargestCart_doesNotOverflow() {
            CartEvent[] full = IntStream.range(0, Cart.MAX_LINES).mapToObj(i -> added("SKU-" + i, 1000))
                    .toArray(CartEvent[]::new);
            Product[] expensive = IntStream.range(0, Cart.MAX_LINES)
                    .mapToObj(i -> new Product.OnSale("SKU-" + i, "Thing " + i, 500_000_00L)).toArray(Product[]::new);

            CartCheckedOut event = (CartCheckedOut) decide(List.of(full), checkOut("order-1", expensive)).getFirst();

            assertThat(event.subtotalCents()).isEqualTo(50L * 1000 * 500_000_00L);
            assertThat(event.totalCents()).isEqualTo(event.subtotalCents() + event.taxCents());
        }
    }

    private static CartCheckedOut checkedOut(String orderId, long subtotal) {
        long tax = Pricing.taxOf(subtotal);
        return new CartCheckedOut(ME, orderId, "ada@example.com", List.of(), subtotal, tax, subtotal + tax, HOME, CARD);
    }

    private static List<CartEvent> decide(List<CartEvent> history, Cart.Command command) {
        return Cart.decide(command, Cart.DECIDER.fold(Cart.initial(), history));
    }

}
