package eventshop.inventory.reservations.domain;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReservationRejected;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.eventsourcing.testing.DeciderFixture;
import eventshop.inventory.reservations.domain.Reservation.Conclude;
import eventshop.inventory.reservations.domain.Reservation.Release;
import eventshop.inventory.reservations.domain.Reservation.Ship;
import eventshop.inventory.stock.domain.Stock;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReservationTest {

    private static final String ORDER = "order-1";
    private static final List<StockLine> LINES = List.of(new StockLine("SKU-1", 2), new StockLine("SKU-2", 1));
    private static final StockReserved RESERVED = new StockReserved(ORDER, LINES);

    private final DeciderFixture<Reservation.Command, ReservationEvent, Reservation.State> reservation =
            DeciderFixture.of(Reservation.DECIDER);

    @Nested
    class Concluding {

        @Test
        void withoutShortages_reservesEveryLine() {
            Reservation.State state = reservation.when(new Conclude(ORDER, LINES, List.of())).then(RESERVED);

            assertThat(state).isEqualTo(new Reservation.Reserved(ORDER, LINES));
        }

        @Test
        void withShortages_rejectsTheWholeReservation() {
            List<StockLine> shortages = List.of(new StockLine("SKU-2", 1));

            reservation.when(new Conclude(ORDER, LINES, shortages))
                    .then(new StockReservationRejected(ORDER, LINES, shortages));
        }

        @Test
        void noLines_isRejected() {
            reservation.when(new Conclude(ORDER, List.of(), List.of()))
                    .then(new StockReservationRejected(ORDER, List.of(), List.of()));
        }

        @Test
        void invalidLines_areRejected_asTheShortages() {
            List<StockLine> lines = List.of(new StockLine("SKU-1", 2), new StockLine("sku 2", 1),
                    new StockLine("SKU-3", 0));

            reservation.when(new Conclude(ORDER, lines, List.of()))
                    .then(new StockReservationRejected(ORDER, lines, List.of(new StockLine("sku 2", 1),
                            new StockLine("SKU-3", 0))));
        }

        @Test
        void tooManyLines_areRejected() {
            List<StockLine> lines = java.util.stream.IntStream.rangeClosed(1, Reservation.MAX_LINES + 1)
                    .mapToObj(i -> new StockLine("SKU-" + i, 1)).toList();

            reservation.when(new Conclude(ORDER, lines, List.of()))
                    .then(new StockReservationRejected(ORDER, lines, List.of()));
        }

        @Test
        void aSecondVerdict_changesNothing() {
            reservation.given(RESERVED).when(new Conclude(ORDER, LINES, List.of(new StockLine("SKU-1", 1))))
                    .thenNothing();
            reservation.given(new StockReservationRejected(ORDER, LINES, List.of(new StockLine("SKU-1", 1))))
                    .when(new Conclude(ORDER, LINES, List.of())).thenNothing();
            reservation.given(new StockReleased(ORDER, List.of())).when(new Conclude(ORDER, LINES, List.of()))
                    .thenNothing();
            reservation.given(RESERVED, new StockShipped(ORDER, LINES)).when(new Conclude(ORDER, LINES, List.of()))
                    .thenNothing();
        }
    }

    @Nested
    class Releasing {

        @Test
        void aReservation_releasesItsLines() {
            Reservation.State state = reservation.given(RESERVED).when(new Release(ORDER))
                    .then(new StockReleased(ORDER, LINES));

            assertThat(Reservation.settlement(state)).containsExactly(new Stock.Deallocate("SKU-1", ORDER),
                    new Stock.Deallocate("SKU-2", ORDER));
        }

        @Test
        void beforeAnyVerdict_closesTheReservation_soALateReserveTakesNothing() {
            reservation.when(new Release(ORDER)).then(new StockReleased(ORDER, List.of()));
            reservation.given(new StockReleased(ORDER, List.of())).when(new Conclude(ORDER, LINES, List.of()))
                    .thenNothing();
        }

        @Test
        void again_orAfterRejection_orAfterShipping_changesNothing() {
            reservation.given(RESERVED, new StockReleased(ORDER, LINES)).when(new Release(ORDER)).thenNothing();
            reservation.given(new StockReservationRejected(ORDER, LINES, LINES)).when(new Release(ORDER))
                    .thenNothing();
            reservation.given(RESERVED, new StockShipped(ORDER, LINES)).when(new Release(ORDER)).thenNothing();
        }
    }

    @Nested
    class Shipping {

        @Test
        void aReservation_shipsItsLines() {
            Reservation.State state = reservation.given(RESERVED).when(new Ship(ORDER))
                    .then(new StockShipped(ORDER, LINES));

            assertThat(Reservation.settlement(state)).containsExactly(new Stock.Dispatch("SKU-1", ORDER),
                    new Stock.Dispatch("SKU-2", ORDER));
        }

        @Test
        void again_changesNothing() {
            reservation.given(RESERVED, new StockShipped(ORDER, LINES)).when(new Ship(ORDER)).thenNothing();
        }

        @Test
        void withoutReservedStock_isRefused() {
            reservation.when(new Ship(ORDER)).thenError(NothingToShip.class);
            reservation.given(new StockReservationRejected(ORDER, LINES, LINES)).when(new Ship(ORDER))
                    .thenError(NothingToShip.class);
            reservation.given(RESERVED, new StockReleased(ORDER, LINES)).when(new Ship(ORDER))
                    .thenError(NothingToShip.class);
        }
    }

    @Nested
    class Settling {

        @Test
        void undecidedOrReserved_needsNothingOnTheSkuStreams() {
            assertThat(Reservation.settlement(new Reservation.Undecided())).isEmpty();
            assertThat(Reservation.settlement(new Reservation.Reserved(ORDER, LINES))).isEmpty();
        }

        @Test
        void rejected_givesBackEveryValidLine() {
            List<StockLine> lines = List.of(new StockLine("SKU-1", 2), new StockLine("bad sku", 1));

            assertThat(Reservation.settlement(new Reservation.Rejected(ORDER, lines)))
                    .containsExactly(new Stock.Deallocate("SKU-1", ORDER));
        }
    }

    @Test
    void lines_areMergedPerSku_inSkuOrder_invalidOnesLast() {
        List<StockLine> lines = List.of(new StockLine("SKU-B", 1), new StockLine("SKU-A", 2),
                new StockLine("SKU-B", 3), new StockLine("bad", 1));

        assertThat(Reservation.normalized(lines)).containsExactly(new StockLine("SKU-A", 2),
                new StockLine("SKU-B", 4), new StockLine("bad", 1));
    }
}
