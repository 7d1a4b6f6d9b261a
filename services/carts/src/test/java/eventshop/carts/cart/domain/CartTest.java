package eventshop.carts.cart.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.carts.cart.domain.Cart.AddItem;
import eventshop.carts.cart.domain.Cart.ChangeQuantity;
import eventshop.carts.cart.domain.Cart.CheckOut;
import eventshop.carts.cart.domain.Cart.Clear;
import eventshop.carts.cart.domain.Cart.RemoveItem;
import eventshop.carts.cart.domain.Cart.RestoreOrder;
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
import eventshop.eventsourcing.testing.DeciderFixture;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
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
    private static final String CABLE = "SKU-12464";
    private static final Product.OnSale KEYBOARD_AT_1250 = new Product.OnSale(KEYBOARD, "Keyboard", 1250);
    private static final Product.OnSale MOUSE_AT_499 = new Product.OnSale(MOUSE, "Mouse", 499);
    private static final Product.OnSale CABLE_AT_9 = new Product.OnSale(CABLE, "Cable", 9);
    private static final Product.Discontinued KEYBOARD_RETIRED = new Product.Discontinued(KEYBOARD, "Keyboard", 1250);
    private static final Address HOME = new Address("Ada Lovelace", "1 Analytical St", "", "London", "N1 9GU", "GB");
    private static final Address WORK = new Address("Ada Lovelace", "2 Difference Rd", "", "London", "N2 1AA", "GB");
    private static final String CARD = "tok_visa4242abcd";
    private static final String OTHER_CARD = "tok_visa0002wxyz";

    private final DeciderFixture<Cart.Command, CartEvent, Cart.State> cart = DeciderFixture.of(Cart.DECIDER);

    // ---- commands and events

    private static AddItem add(Product product, int quantity) {
        return new AddItem(ME, product.sku(), quantity, product);
    }

    private static CartItemAdded added(Product.OnSale product, int quantity) {
        return new CartItemAdded(ME, product.sku(), quantity, product.unitPriceCents());
    }

    private static CartItemAdded added(String sku, int quantity) {
        return new CartItemAdded(ME, sku, quantity, 100L);
    }

    private static ChangeQuantity change(Product product, int quantity) {
        return new ChangeQuantity(ME, product.sku(), quantity, product);
    }

    private static PriceList prices(Product... products) {
        return new PriceList(Arrays.stream(products).collect(Collectors.toMap(Product::sku, product -> product)));
    }

    private static CheckOut checkOut(String orderId, Product... products) {
        return checkOut(orderId, HOME, CARD, products);
    }

    private static CheckOut checkOut(String orderId, Address address, String card, Product... products) {
        return new CheckOut(ME, orderId, "ada@example.com", prices(products), address, card,
                new PaymentCard.Usable());
    }

    private static CheckOut checkOutPaying(String orderId, PaymentCard card, Product... products) {
        return new CheckOut(ME, orderId, "ada@example.com", prices(products), HOME, CARD, card);
    }

    private static RestoreOrder restore(String orderId, Product... products) {
        return new RestoreOrder(ME, orderId, prices(products));
    }

    /** A checkout of these lines (sku, quantity) at 100 cents each. */
    private static CartCheckedOut checkedOut(String orderId, CheckedOutLine... lines) {
        long subtotal = Arrays.stream(lines).mapToLong(CheckedOutLine::lineTotalCents).sum();
        long tax = Pricing.taxOf(subtotal);
        return new CartCheckedOut(ME, orderId, "ada@example.com", List.of(lines), subtotal, tax, subtotal + tax, HOME,
                CARD);
    }

    private static CheckedOutLine line(Product.OnSale product, int quantity) {
        return new CheckedOutLine(product.sku(), product.name(), quantity, product.unitPriceCents(),
                product.unitPriceCents() * quantity);
    }

    private static List<CartEvent> decide(List<CartEvent> history, Cart.Command command) {
        return Cart.decide(command, Cart.DECIDER.fold(Cart.initial(), history));
    }

    private static CartEvent[] events(CartEvent... events) {
        return events;
    }

    private static CartEvent[] history(CartEvent[] earlier, CartEvent... later) {
        List<CartEvent> all = new ArrayList<>(Arrays.asList(earlier));
        all.addAll(Arrays.asList(later));
        return all.toArray(CartEvent[]::new);
    }

    @Test
    void theState_isTheReactorFoldOfTheEvents() {
        List<CartEvent> events = List.of(added(KEYBOARD_AT_1250, 2), added(MOUSE_AT_499, 1), added(KEYBOARD_AT_1250, 3),
                new CartItemQuantityChanged(ME, MOUSE, 4), new CartItemRemoved(ME, KEYBOARD));

        Cart.State state = Flux.fromIterable(events).reduce(Cart.initial(), Cart::evolve).block();

        assertThat(state).isEqualTo(new Cart.Open(List.of(new Line(MOUSE, 4, 499L))));
    }

    @Test
    void anItemAddedBeforePricesWereRecorded_stillFolds_withoutAPrice() {
        // events stored before CartItemAdded carried the price have none
        Cart.State state = cart.given(new CartItemAdded(ME, KEYBOARD, 2, null)).state();

        assertThat(state).isEqualTo(new Cart.Open(List.of(new Line(KEYBOARD, 2, null))));
    }

    @Nested
    class AddingItems {

        @Test
        void addItem_toAnEmptyCart_opensALine_recordingThePrice() {
            Cart.State state = cart.when(add(KEYBOARD_AT_1250, 2)).then(new CartItemAdded(ME, KEYBOARD, 2, 1250L));

            assertThat(state).isEqualTo(new Cart.Open(List.of(new Line(KEYBOARD, 2, 1250L))));
        }

        @Test
        void addItem_addsToTheExistingLine_whichNowShowsTheLatestPrice() {
            Product.OnSale cheaper = new Product.OnSale(KEYBOARD, "Keyboard", 1100);
            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 3), added(MOUSE_AT_499, 1))
                    .when(add(cheaper, 2)).then(added(cheaper, 2));

            assertThat(state.lines()).containsExactly(new Line(KEYBOARD, 5, 1100L), new Line(MOUSE, 1, 499L));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001, 1_000_000_000, Integer.MIN_VALUE})
        void addItem_refusesQuantitiesOutside1To1000(int quantity) {
            cart.when(add(KEYBOARD_AT_1250, quantity)).thenError(InvalidQuantity.class);
        }

        @Test
        void addItem_accepts1000() {
            cart.when(add(KEYBOARD_AT_1250, 1000)).then(added(KEYBOARD_AT_1250, 1000));
        }

        @Test
        void addItem_mayFillALineUpTo1000() {
            cart.given(added(KEYBOARD_AT_1250, 999)).when(add(KEYBOARD_AT_1250, 1)).then(added(KEYBOARD_AT_1250, 1));
        }

        @Test
        void addItem_refusesALineTotalAbove1000() {
            LineQuantityExceeded error = cart.given(added(KEYBOARD_AT_1250, 999)).when(add(KEYBOARD_AT_1250, 2))
                    .thenError(LineQuantityExceeded.class);

            assertThat(error).hasMessageContaining("999").hasMessageContaining(KEYBOARD);
        }

        @Test
        void addItem_refusesA51stLine_butAddsToOneOfThe50() {
            CartEvent[] fifty = IntStream.range(0, Cart.MAX_LINES).mapToObj(i -> added("SKU-" + i, 1))
                    .toArray(CartEvent[]::new);

            cart.given(fifty).when(add(KEYBOARD_AT_1250, 1)).thenError(TooManyLines.class);
            cart.given(fifty).when(add(new Product.OnSale("SKU-7", "Seven", 7), 2))
                    .then(new CartItemAdded(ME, "SKU-7", 2, 7L));
        }

        @Test
        void addItem_refusesAnUnknownProduct() {
            UnknownProduct error = cart.when(new AddItem(ME, "SKU-404", 1, new Product.Unknown("SKU-404")))
                    .thenError(UnknownProduct.class);

            assertThat(error.sku()).isEqualTo("SKU-404");
        }

        @Test
        void addItem_refusesADiscontinuedProduct() {
            DiscontinuedProduct error = cart.when(add(KEYBOARD_RETIRED, 1)).thenError(DiscontinuedProduct.class);

            assertThat(error.skus()).containsExactly(KEYBOARD);
        }

        @Test
        void addItem_afterCheckout_opensANewCartInTheSameStream() {
            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 2), checkedOut("order-1", line(KEYBOARD_AT_1250, 2)))
                    .when(add(MOUSE_AT_499, 1)).then(added(MOUSE_AT_499, 1));

            assertThat(state.lines()).containsExactly(new Line(MOUSE, 1, 499L));
            assertThat(state.checkouts().of("order-1")).isPresent();
        }
    }

    @Nested
    class ChangingQuantities {

        @Test
        void changeQuantity_setsTheLine_keepingThePriceWhenAdded() {
            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 3)).when(change(KEYBOARD_AT_1250, 7))
                    .then(new CartItemQuantityChanged(ME, KEYBOARD, 7));

            assertThat(state.lines()).containsExactly(new Line(KEYBOARD, 7, 1250L));
        }

        @Test
        void changeQuantity_toTheSameQuantity_decidesNothing() {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(KEYBOARD_AT_1250, 3)).thenNothing();
        }

        @Test
        void changeQuantity_accepts1000() {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(KEYBOARD_AT_1250, 1000))
                    .then(new CartItemQuantityChanged(ME, KEYBOARD, 1000));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1001, 1_000_000_000})
        void changeQuantity_refusesQuantitiesOutside1To1000(int quantity) {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(KEYBOARD_AT_1250, quantity))
                    .thenError(InvalidQuantity.class);
        }

        @Test
        void changeQuantity_ofASkuNotInTheCart_isNotFound() {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(MOUSE_AT_499, 1)).thenError(ItemNotInCart.class);
            cart.when(change(MOUSE_AT_499, 1)).thenError(ItemNotInCart.class);
            cart.given(added(KEYBOARD_AT_1250, 3), checkedOut("order-1", line(KEYBOARD_AT_1250, 3)))
                    .when(change(KEYBOARD_AT_1250, 1)).thenError(ItemNotInCart.class);
        }

        @Test
        void aDiscontinuedLine_mayBeLowered() {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(KEYBOARD_RETIRED, 1))
                    .then(new CartItemQuantityChanged(ME, KEYBOARD, 1));
        }

        @Test
        void aDiscontinuedLine_mayNotBeRaised() {
            DiscontinuedProduct error = cart.given(added(KEYBOARD_AT_1250, 3)).when(change(KEYBOARD_RETIRED, 4))
                    .thenError(DiscontinuedProduct.class);

            assertThat(error.skus()).containsExactly(KEYBOARD);
        }

        @Test
        void aLineThePriceViewNoLongerKnows_mayNotBeRaised() {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(new Product.Unknown(KEYBOARD), 4))
                    .thenError(UnknownProduct.class);
            cart.given(added(KEYBOARD_AT_1250, 3)).when(change(new Product.Unknown(KEYBOARD), 2))
                    .then(new CartItemQuantityChanged(ME, KEYBOARD, 2));
        }
    }

    @Nested
    class RemovingAndClearing {

        @Test
        void removeItem_dropsTheLine() {
            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 3), added(MOUSE_AT_499, 1))
                    .when(new RemoveItem(ME, KEYBOARD)).then(new CartItemRemoved(ME, KEYBOARD));

            assertThat(state.lines()).containsExactly(new Line(MOUSE, 1, 499L));
        }

        @Test
        void removingTheLastLine_leavesAnEmptyCart() {
            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 3)).when(new RemoveItem(ME, KEYBOARD))
                    .then(new CartItemRemoved(ME, KEYBOARD));

            assertThat(state).isEqualTo(new Cart.Empty());
        }

        @Test
        void removeItem_ofASkuNotInTheCart_isNotFound() {
            cart.given(added(KEYBOARD_AT_1250, 3)).when(new RemoveItem(ME, MOUSE)).thenError(ItemNotInCart.class);
            cart.when(new RemoveItem(ME, MOUSE)).thenError(ItemNotInCart.class);
        }

        @Test
        void clear_emptiesAnOpenCart() {
            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 3), added(MOUSE_AT_499, 1)).when(new Clear(ME))
                    .then(new CartCleared(ME));

            assertThat(state).isEqualTo(new Cart.Empty());
        }

        @Test
        void clear_ofAnEmptyOrCheckedOutCart_decidesNothing() {
            cart.when(new Clear(ME)).thenNothing();
            cart.given(added(KEYBOARD_AT_1250, 1), new CartCleared(ME)).when(new Clear(ME)).thenNothing();
            cart.given(added(KEYBOARD_AT_1250, 1), checkedOut("order-1", line(KEYBOARD_AT_1250, 1)))
                    .when(new Clear(ME)).thenNothing();
        }
    }

    @Nested
    class CheckingOut {

        @Test
        void checkOut_capturesLinesPricesTotalsAddressAndCard_andRemembersTheOrder() {
            CartCheckedOut expected = new CartCheckedOut(ME, "order-1", "ada@example.com",
                    List.of(new CheckedOutLine(KEYBOARD, "Keyboard", 2, 1250, 2500),
                            new CheckedOutLine(MOUSE, "Mouse", 3, 499, 1497)),
                    3997, 240, 4237, HOME, CARD);

            Cart.State state = cart.given(added(KEYBOARD_AT_1250, 2), added(MOUSE_AT_499, 3))
                    .when(checkOut("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(expected);

            assertThat(state).isInstanceOfSatisfying(Cart.CheckedOut.class,
                    checkedOut -> assertThat(checkedOut.orderId()).isEqualTo("order-1"));
            assertThat(state.lines()).isEmpty();
            assertThat(state.checkouts().of("order-1")).contains(new Checkouts.Checkout(HOME, CARD, expected.lines()));
        }

        @Test
        void checkOut_usesThePricesOnTheCommand_notThoseWhenAdded() {
            CartCheckedOut event = (CartCheckedOut) decide(List.of(added(KEYBOARD_AT_1250, 1)),
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
            cart.given(added(KEYBOARD_AT_1250, 1), new CartItemRemoved(ME, KEYBOARD))
                    .when(checkOut("order-1", KEYBOARD_AT_1250)).thenError(CartIsEmpty.class);
            cart.given(added(KEYBOARD_AT_1250, 1), new CartCleared(ME)).when(checkOut("order-1", KEYBOARD_AT_1250))
                    .thenError(CartIsEmpty.class);
        }

        @Test
        void checkOut_withAProductDiscontinuedMeanwhile_isRefused_namingIt() {
            DiscontinuedProduct error = cart.given(added(KEYBOARD_AT_1250, 1), added(MOUSE_AT_499, 1))
                    .when(checkOut("order-1", KEYBOARD_RETIRED, MOUSE_AT_499))
                    .thenError(DiscontinuedProduct.class);

            assertThat(error.skus()).containsExactly(KEYBOARD);
            assertThat(error).hasMessageContaining(KEYBOARD);
        }

        @Test
        void checkOut_withAProductThePriceViewDoesNotKnow_isRefused() {
            cart.given(added(KEYBOARD_AT_1250, 1), added(MOUSE_AT_499, 1)).when(checkOut("order-1", MOUSE_AT_499))
                    .thenError(UnknownProduct.class);
        }

        @Test
        void checkOut_withACardThatIsNotTheCustomers_isRefused() {
            cart.given(added(KEYBOARD_AT_1250, 1)).when(checkOutPaying("order-1", new PaymentCard.NotOnFile(),
                    KEYBOARD_AT_1250)).thenError(UnknownCard.class);
        }

        @Test
        void checkOut_withAnExpiredCard_isRefused_sayingWhen() {
            CardExpired error = cart.given(added(KEYBOARD_AT_1250, 1))
                    .when(checkOutPaying("order-1", new PaymentCard.Expired(YearMonth.of(2025, 12)), KEYBOARD_AT_1250))
                    .thenError(CardExpired.class);

            assertThat(error).hasMessageContaining("2025-12");
        }

        @Test
        void anEmptyCart_isEmpty_whateverTheCard() {
            cart.when(checkOutPaying("order-1", new PaymentCard.NotOnFile())).thenError(CartIsEmpty.class);
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

    /** The order id names the checkout: the same idempotency key gives the same order id. */
    @Nested
    class IdempotencyKeys {

        private final CartEvent[] mugOrdered = events(added(KEYBOARD_AT_1250, 1),
                checkedOut("order-k", line(KEYBOARD_AT_1250, 1)));

        @Test
        void theSameKey_withTheSameRequest_andNothingChanged_answersTheSameOrder_withoutAnEvent() {
            cart.given(mugOrdered).when(checkOut("order-k", KEYBOARD_AT_1250)).thenNothing();
        }

        @Test
        void theSameKey_afterItemsWereAdded_isRefused_namingTheOrder() {
            // the sequence: the mug ordered as X, 3 bottles added, the same key again
            IdempotencyKeyReused error = cart.given(history(mugOrdered, added(MOUSE_AT_499, 3)))
                    .when(checkOut("order-k", KEYBOARD_AT_1250, MOUSE_AT_499)).thenError(IdempotencyKeyReused.class);

            assertThat(error.orderId()).isEqualTo("order-k");
            assertThat(error).hasMessageContaining("order-k").hasMessageContaining("changed");
        }

        @Test
        void theSameKey_withAnotherAddress_orAnotherCard_isRefused() {
            assertThat(cart.given(mugOrdered).when(checkOut("order-k", WORK, CARD, KEYBOARD_AT_1250))
                    .thenError(IdempotencyKeyReused.class)).hasMessageContaining("order-k");
            assertThat(cart.given(mugOrdered).when(checkOut("order-k", HOME, OTHER_CARD, KEYBOARD_AT_1250))
                    .thenError(IdempotencyKeyReused.class).orderId()).isEqualTo("order-k");
        }

        @Test
        void theSameKey_withAnotherRequest_isRefused_evenWhenTheCartHasLinesAgain() {
            cart.given(history(mugOrdered, added(MOUSE_AT_499, 3)))
                    .when(checkOut("order-k", WORK, CARD, MOUSE_AT_499)).thenError(IdempotencyKeyReused.class);
        }

        @Test
        void theSameKey_afterTheCartWasFilledAndCleared_isRefused() {
            cart.given(history(mugOrdered, added(MOUSE_AT_499, 3), new CartCleared(ME)))
                    .when(checkOut("order-k", KEYBOARD_AT_1250)).thenError(IdempotencyKeyReused.class);
        }

        @Test
        void theSameKeyAndRequest_afterTheOrderWasGivenBack_stillAnswersThatOrder() {
            // a retry whose first answer was lost: the request was order-k, whatever became of it
            CartEvent[] givenBack = history(mugOrdered, new CartRestored(ME, "order-k",
                    List.of(new RestoredLine(KEYBOARD, 1, 1250)), List.of()));

            cart.given(givenBack).when(checkOut("order-k", KEYBOARD_AT_1250)).thenNothing();
            cart.given(givenBack).when(checkOut("order-k", HOME, OTHER_CARD, KEYBOARD_AT_1250))
                    .thenError(IdempotencyKeyReused.class);
        }

        @Test
        void theSameKey_afterTheOrderWasGivenBack_andTheCartChanged_isRefused() {
            CartEvent[] givenBack = history(mugOrdered, new CartRestored(ME, "order-k",
                    List.of(new RestoredLine(KEYBOARD, 1, 1250)), List.of()));

            cart.given(history(givenBack, added(MOUSE_AT_499, 1))).when(checkOut("order-k", KEYBOARD_AT_1250))
                    .thenError(IdempotencyKeyReused.class);
            cart.given(history(givenBack, new CartItemQuantityChanged(ME, KEYBOARD, 2)))
                    .when(checkOut("order-k", KEYBOARD_AT_1250)).thenError(IdempotencyKeyReused.class);
            cart.given(history(givenBack, new CartCleared(ME))).when(checkOut("order-k", KEYBOARD_AT_1250))
                    .thenError(IdempotencyKeyReused.class);
        }

        @Test
        void theSameKey_ofAnEarlierOrderGivenBackIntoALaterCart_isRefused() {
            CartEvent[] later = history(mugOrdered, added(MOUSE_AT_499, 1), checkedOut("order-2", line(MOUSE_AT_499, 1)),
                    new CartRestored(ME, "order-k", List.of(new RestoredLine(KEYBOARD, 1, 1250)), List.of()));

            cart.given(later).when(checkOut("order-k", KEYBOARD_AT_1250)).thenError(IdempotencyKeyReused.class);
            cart.given(later).when(checkOut("order-2", MOUSE_AT_499)).thenError(IdempotencyKeyReused.class);
        }

        @Test
        void anEarlierKey_afterALaterCheckout_isRefused() {
            cart.given(history(mugOrdered, added(MOUSE_AT_499, 1), checkedOut("order-2", line(MOUSE_AT_499, 1))))
                    .when(checkOut("order-k", KEYBOARD_AT_1250)).thenError(IdempotencyKeyReused.class);
            cart.given(history(mugOrdered, added(MOUSE_AT_499, 1), checkedOut("order-2", line(MOUSE_AT_499, 1))))
                    .when(checkOut("order-2", MOUSE_AT_499)).thenNothing();
        }

        @Test
        void theSameKey_andRequest_answersTheOrder_evenIfTheCardWasRemovedSince() {
            // the card was checked when the order was made; the order, not the card, is the answer now
            cart.given(mugOrdered).when(checkOutPaying("order-k", new PaymentCard.NotOnFile(), KEYBOARD_AT_1250))
                    .thenNothing();
        }

        @Test
        void aSecondKey_forTheCartJustCheckedOut_findsItEmpty_namingTheOrder() {
            CartIsEmpty error = cart.given(mugOrdered).when(checkOut("order-other", KEYBOARD_AT_1250))
                    .thenError(CartIsEmpty.class);

            assertThat(error).hasMessageContaining("order-k");
        }

        @Test
        void aSecondKey_forNewLines_checksThemOutAsAnotherOrder() {
            cart.given(history(mugOrdered, added(MOUSE_AT_499, 3))).when(checkOut("order-2", MOUSE_AT_499))
                    .then(new CartCheckedOut(ME, "order-2", "ada@example.com",
                            List.of(new CheckedOutLine(MOUSE, "Mouse", 3, 499, 1497)), 1497, 90, 1587, HOME, CARD));
        }
    }

    /** An order cancelled before it was confirmed gives its lines back. */
    @Nested
    class Restoring {

        private final CartEvent[] ordered = events(added(KEYBOARD_AT_1250, 2), added(MOUSE_AT_499, 3),
                checkedOut("order-1", line(KEYBOARD_AT_1250, 2), line(MOUSE_AT_499, 3)));

        @Test
        void theOrdersLines_comeBack_atTheirOrderedPrices() {
            Cart.State state = cart.given(ordered).when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250),
                            new RestoredLine(MOUSE, 3, 499)), List.of()));

            assertThat(state.lines()).containsExactly(new Line(KEYBOARD, 2, 1250L), new Line(MOUSE, 3, 499L));
            assertThat(state.checkouts().wasRestored("order-1")).isTrue();
        }

        @Test
        void mergeWithWhatTheCustomerAddedMeanwhile() {
            Cart.State state = cart.given(history(ordered, added(MOUSE_AT_499, 1), added(CABLE_AT_9, 4)))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250),
                            new RestoredLine(MOUSE, 3, 499)), List.of()));

            assertThat(state.lines()).containsExactly(new Line(MOUSE, 4, 499L), new Line(CABLE, 4, 9L),
                    new Line(KEYBOARD, 2, 1250L));
        }

        @Test
        void discontinuedAndUnknownProducts_areSkipped_andNamed() {
            cart.given(ordered).when(restore("order-1", KEYBOARD_RETIRED))
                    .then(new CartRestored(ME, "order-1", List.of(), List.of(
                            new SkippedLine(KEYBOARD, 2, SkipReason.DISCONTINUED),
                            new SkippedLine(MOUSE, 3, SkipReason.UNKNOWN_PRODUCT))));
        }

        @Test
        void aRestoreOfNothingOnSale_leavesTheCartAsItWas_butCountsAsDone() {
            Cart.State state = cart.given(history(ordered, new CartRestored(ME, "order-1", List.of(), List.of(
                    new SkippedLine(KEYBOARD, 2, SkipReason.DISCONTINUED))))).state();

            assertThat(state).isInstanceOf(Cart.CheckedOut.class);
            assertThat(state.checkouts().wasRestored("order-1")).isTrue();
            cart.given(history(ordered, new CartRestored(ME, "order-1", List.of(), List.of())))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499)).thenNothing();
        }

        @Test
        void twice_givesBackOnce() {
            cart.given(history(ordered, new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250),
                            new RestoredLine(MOUSE, 3, 499)), List.of())))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499)).thenNothing();
        }

        @Test
        void twice_givesBackOnce_evenAfterTheCustomerCheckedOutAgain() {
            cart.given(history(ordered, new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250),
                                    new RestoredLine(MOUSE, 3, 499)), List.of()),
                            checkedOut("order-2", line(KEYBOARD_AT_1250, 2), line(MOUSE_AT_499, 3))))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499)).thenNothing();
        }

        @Test
        void anOrderTheCartNeverBecame_givesNothing() {
            cart.given(ordered).when(restore("order-of-someone-else", KEYBOARD_AT_1250)).thenNothing();
            cart.when(restore("order-1", KEYBOARD_AT_1250)).thenNothing();
        }

        @Test
        void anEarlierOrder_comesBackIntoTheCartOfALaterOne() {
            Cart.State state = cart.given(history(ordered, added(CABLE_AT_9, 1), checkedOut("order-2", line(CABLE_AT_9, 1))))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250),
                            new RestoredLine(MOUSE, 3, 499)), List.of()));

            assertThat(state.lines()).containsExactly(new Line(KEYBOARD, 2, 1250L), new Line(MOUSE, 3, 499L));
        }

        @Test
        void aLineIsFilledUpTo1000_andTheRestSkipped() {
            cart.given(history(ordered, added(MOUSE_AT_499, 999)))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1",
                            List.of(new RestoredLine(KEYBOARD, 2, 1250), new RestoredLine(MOUSE, 1, 499)),
                            List.of(new SkippedLine(MOUSE, 2, SkipReason.LINE_QUANTITY_LIMIT))));
            cart.given(history(ordered, added(MOUSE_AT_499, 1000)))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250)),
                            List.of(new SkippedLine(MOUSE, 3, SkipReason.LINE_QUANTITY_LIMIT))));
        }

        @Test
        void whenTheCartIsFull_newLinesAreSkipped_butItsLinesStillTakeMore() {
            List<CartEvent> history = new ArrayList<>(Arrays.asList(ordered));
            history.add(added(MOUSE_AT_499, 1));
            IntStream.range(0, Cart.MAX_LINES - 1).forEach(i -> history.add(added("SKU-" + i, 1)));

            Cart.State state = cart.given(history.toArray(CartEvent[]::new))
                    .when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1", List.of(new RestoredLine(MOUSE, 3, 499)),
                            List.of(new SkippedLine(KEYBOARD, 2, SkipReason.CART_LINE_LIMIT))));

            assertThat(state.lines()).hasSize(Cart.MAX_LINES).contains(new Line(MOUSE, 4, 499L));
        }

        @Test
        void theLastFreeLine_takesTheFirstOfTheOrdersNewLines() {
            List<CartEvent> history = new ArrayList<>(Arrays.asList(ordered));
            IntStream.range(0, Cart.MAX_LINES - 1).forEach(i -> history.add(added("SKU-" + i, 1)));

            cart.given(history.toArray(CartEvent[]::new)).when(restore("order-1", KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250)),
                            List.of(new SkippedLine(MOUSE, 3, SkipReason.CART_LINE_LIMIT))));
        }

        @Test
        void theCartGivenBack_checksOutAgain_withANewKey() {
            cart.given(history(ordered, new CartRestored(ME, "order-1", List.of(new RestoredLine(KEYBOARD, 2, 1250),
                            new RestoredLine(MOUSE, 3, 499)), List.of())))
                    .when(checkOut("order-2", HOME, OTHER_CARD, KEYBOARD_AT_1250, MOUSE_AT_499))
                    .then(new CartCheckedOut(ME, "order-2", "ada@example.com",
                            List.of(line(KEYBOARD_AT_1250, 2), line(MOUSE_AT_499, 3)), 3997, 240, 4237, HOME,
                            OTHER_CARD));
        }
    }
}
