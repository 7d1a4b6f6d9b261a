package eventshop.inventory.stock.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockDeallocated;
import eventshop.contracts.inventory.InventoryEvent.StockDispatched;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.eventsourcing.testing.DeciderFixture;
import eventshop.inventory.stock.domain.Stock.Allocate;
import eventshop.inventory.stock.domain.Stock.Deallocate;
import eventshop.inventory.stock.domain.Stock.Dispatch;
import eventshop.inventory.stock.domain.Stock.ReceiveStock;
import eventshop.inventory.stock.domain.StockErrors.InsufficientStock;
import eventshop.inventory.stock.domain.StockErrors.InvalidQuantity;
import eventshop.inventory.stock.domain.StockErrors.StockLimitExceeded;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StockTest {

    private static final String SKU = "SKU-24642";
    private final DeciderFixture<Stock.Command, SkuEvent, Stock.State> stock = DeciderFixture.of(Stock.DECIDER);

    private static StockReceived received(int quantity, int onHand, int reserved) {
        return new StockReceived(SKU, quantity, onHand, reserved);
    }

    @Nested
    class Receiving {

        @Test
        void aFirstReceipt_putsItOnHand() {
            Stock.State state = stock.when(new ReceiveStock(SKU, 10)).then(received(10, 10, 0));

            assertThat(state).isEqualTo(new Stock.Stocked(SKU, 10, 0, Map.of()));
        }

        @Test
        void aLaterReceipt_addsToOnHand_andKeepsWhatIsReserved() {
            stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 4, 10, 4))
                    .when(new ReceiveStock(SKU, 5))
                    .then(received(5, 15, 4));
        }

        @Test
        void aQuantityOutsideOneToAMillion_isRefused() {
            stock.when(new ReceiveStock(SKU, 0)).thenError(InvalidQuantity.class);
            stock.when(new ReceiveStock(SKU, -1)).thenError(InvalidQuantity.class);
            stock.when(new ReceiveStock(SKU, 1_000_001)).thenError(InvalidQuantity.class);
            stock.when(new ReceiveStock(SKU, 1_000_000)).then(received(1_000_000, 1_000_000, 0));
        }

        @Test
        void onHandNeverGoesPastTheLimit() {
            stock.given(received(1_000_000, Stock.MAX_ON_HAND, 0))
                    .when(new ReceiveStock(SKU, 1))
                    .thenError(StockLimitExceeded.class);
        }
    }

    @Nested
    class Allocating {

        @Test
        void takesFromWhatIsAvailable() {
            Stock.State state = stock.given(received(10, 10, 0))
                    .when(new Allocate(SKU, "o1", 3))
                    .then(new StockAllocated(SKU, "o1", 3, 10, 3));

            assertThat(state).isEqualTo(new Stock.Stocked(SKU, 10, 3, Map.of("o1", 3)));
        }

        @Test
        void theLastUnits_canBeAllocated() {
            stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 7, 10, 7))
                    .when(new Allocate(SKU, "o2", 3))
                    .then(new StockAllocated(SKU, "o2", 3, 10, 10));
        }

        @Test
        void moreThanAvailable_isRefused_withTheShortage() {
            InsufficientStock error = stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 8, 10, 8))
                    .when(new Allocate(SKU, "o2", 3))
                    .thenError(InsufficientStock.class);

            assertThat(error.available()).isEqualTo(2);
            assertThat(error.shortage()).isEqualTo(1);
            assertThat(error.kind()).isEqualTo(eventshop.eventsourcing.decider.DomainError.Kind.CONFLICT);
        }

        @Test
        void aSkuNeverStocked_hasNothingAvailable() {
            InsufficientStock error = stock.when(new Allocate(SKU, "o1", 2)).thenError(InsufficientStock.class);

            assertThat(error.shortage()).isEqualTo(2);
        }

        @Test
        void allocatingAgainForTheSameOrder_changesNothing() {
            stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 3, 10, 3))
                    .when(new Allocate(SKU, "o1", 3))
                    .thenNothing();
        }

        @Test
        void allocatingAgainForTheSameOrder_changesNothing_evenWhenNothingIsLeft() {
            stock.given(received(3, 3, 0), new StockAllocated(SKU, "o1", 3, 3, 3))
                    .when(new Allocate(SKU, "o1", 3))
                    .thenNothing();
        }

        @Test
        void aQuantityBelowOne_isRefused() {
            stock.given(received(10, 10, 0)).when(new Allocate(SKU, "o1", 0)).thenError(InvalidQuantity.class);
            stock.given(received(10, 10, 0)).when(new Allocate(SKU, "o1", -5)).thenError(InvalidQuantity.class);
        }
    }

    @Nested
    class Deallocating {

        @Test
        void givesTheOrdersAllocationBack() {
            Stock.State state = stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 3, 10, 3),
                            new StockAllocated(SKU, "o2", 2, 10, 5))
                    .when(new Deallocate(SKU, "o1"))
                    .then(new StockDeallocated(SKU, "o1", 3, 10, 2));

            assertThat(state).isEqualTo(new Stock.Stocked(SKU, 10, 2, Map.of("o2", 2)));
        }

        @Test
        void anOrderWithoutAllocation_changesNothing() {
            stock.given(received(10, 10, 0)).when(new Deallocate(SKU, "o1")).thenNothing();
            stock.when(new Deallocate(SKU, "o1")).thenNothing();
        }

        @Test
        void twice_changesNothingTheSecondTime() {
            stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 3, 10, 3),
                            new StockDeallocated(SKU, "o1", 3, 10, 0))
                    .when(new Deallocate(SKU, "o1"))
                    .thenNothing();
        }
    }

    @Nested
    class Dispatching {

        @Test
        void takesTheAllocationOffHand() {
            Stock.State state = stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 3, 10, 3))
                    .when(new Dispatch(SKU, "o1"))
                    .then(new StockDispatched(SKU, "o1", 3, 7, 0));

            assertThat(state).isEqualTo(new Stock.Stocked(SKU, 7, 0, Map.of()));
        }

        @Test
        void twice_orWithoutAllocation_changesNothing() {
            stock.given(received(10, 10, 0), new StockAllocated(SKU, "o1", 3, 10, 3),
                            new StockDispatched(SKU, "o1", 3, 7, 0))
                    .when(new Dispatch(SKU, "o1"))
                    .thenNothing();
            stock.given(received(10, 10, 0)).when(new Dispatch(SKU, "o2")).thenNothing();
            stock.when(new Dispatch(SKU, "o2")).thenNothing();
        }
    }

    @Test
    void skus_areUpperCaseLettersDigitsAndDashes_upTo40() {
        assertThat(Stock.isSku("SKU-24642")).isTrue();
        assertThat(Stock.isSku("A".repeat(40))).isTrue();
        assertThat(Stock.isSku("A".repeat(41))).isFalse();
        assertThat(Stock.isSku("sku-1")).isFalse();
        assertThat(Stock.isSku("")).isFalse();
        assertThat(Stock.isSku(null)).isFalse();
        assertThat(Stock.isSku("SKU 1")).isFalse();
    }
}
