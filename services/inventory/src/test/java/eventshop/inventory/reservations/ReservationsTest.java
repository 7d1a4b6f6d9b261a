package eventshop.inventory.reservations;

import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.events;
import static eventshop.inventory.Fixtures.newOrder;
import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventshop.contracts.inventory.InventoryCommand.ReleaseStock;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockDeallocated;
import eventshop.contracts.inventory.InventoryEvent.StockDispatched;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReservationRejected;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.inventory.InventoryTest;
import eventshop.inventory.reservations.domain.NothingToShip;
import eventshop.inventory.reservations.domain.Reservation;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.Stock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@InventoryTest
class ReservationsTest {

    @Autowired
    Reservations reservations;
    @Autowired
    Stocks stocks;
    @Autowired
    EventStore store;

    private String stocked(String prefix, int quantity) {
        String sku = newSku(prefix);
        stocks.handle(new Stock.ReceiveStock(sku, quantity), context());
        return sku;
    }

    private Stock.Stocked levels(String sku) {
        return (Stock.Stocked) stocks.state(sku);
    }

    private List<InventoryEvent> reservationEvents(String orderId) {
        return events(store, Reservation.streamId(orderId));
    }

    private List<InventoryEvent> skuEvents(String sku) {
        return events(store, Stock.streamId(sku));
    }

    private static ReserveStock reserve(String orderId, StockLine... lines) {
        return new ReserveStock(orderId, List.of(lines));
    }

    @Nested
    class Reserving {

        @Test
        void everyLineAvailable_reservesThemAll() {
            String a = stocked("A", 5);
            String b = stocked("B", 5);
            String order = newOrder();

            Reservation.State state = reservations.reserve(reserve(order, new StockLine(b, 1), new StockLine(a, 2)),
                    context());

            List<StockLine> lines = List.of(new StockLine(a, 2), new StockLine(b, 1));
            assertThat(state).isEqualTo(new Reservation.Reserved(order, lines));
            assertThat(reservationEvents(order)).containsExactly(new StockReserved(order, lines));
            assertThat(levels(a)).isEqualTo(new Stock.Stocked(a, 5, 2, Map.of(order, 2)));
            assertThat(levels(b)).isEqualTo(new Stock.Stocked(b, 5, 1, Map.of(order, 1)));
        }

        @Test
        void aShortSecondLine_givesTheFirstBack_andNothingStaysReserved() {
            String a = stocked("A", 5);
            String b = stocked("B", 1);
            String order = newOrder();

            Reservation.State state = reservations.reserve(reserve(order, new StockLine(a, 2), new StockLine(b, 3)),
                    context());

            assertThat(state).isInstanceOf(Reservation.Rejected.class);
            assertThat(reservationEvents(order)).containsExactly(new StockReservationRejected(order,
                    List.of(new StockLine(a, 2), new StockLine(b, 3)), List.of(new StockLine(b, 2))));
            assertThat(skuEvents(a)).containsExactly(new StockReceived(a, 5, 5, 0),
                    new StockAllocated(a, order, 2, 5, 2), new StockDeallocated(a, order, 2, 5, 0));
            assertThat(skuEvents(b)).containsExactly(new StockReceived(b, 1, 1, 0));
            assertThat(levels(a).reserved()).isZero();
            assertThat(levels(a).allocations()).isEmpty();
        }

        @Test
        void aShortFirstLine_takesNothingFromTheOthers_butReportsEveryShortage() {
            String a = stocked("A", 1);
            String b = stocked("B", 5);
            String c = stocked("C", 1);
            String order = newOrder();

            reservations.reserve(reserve(order, new StockLine(a, 2), new StockLine(b, 2), new StockLine(c, 4)),
                    context());

            assertThat(reservationEvents(order)).singleElement().isInstanceOfSatisfying(StockReservationRejected.class,
                    rejected -> assertThat(rejected.shortages()).containsExactly(new StockLine(a, 1),
                            new StockLine(c, 3)));
            assertThat(skuEvents(b)).hasSize(1);
            assertThat(skuEvents(c)).hasSize(1);
        }

        @Test
        void anUnknownSku_isShortByItsWholeQuantity_andCreatesNoStream() {
            String a = stocked("A", 5);
            String unknown = newSku("UNKNOWN");
            String order = newOrder();

            reservations.reserve(reserve(order, new StockLine(a, 1), new StockLine(unknown, 3)), context());

            assertThat(reservationEvents(order)).singleElement().isInstanceOfSatisfying(StockReservationRejected.class,
                    rejected -> assertThat(rejected.shortages()).containsExactly(new StockLine(unknown, 3)));
            assertThat(store.streamVersion(Stock.streamId(unknown))).isEqualTo(-1);
            assertThat(levels(a).reserved()).isZero();
        }

        @Test
        void invalidLines_areRejected_withoutTouchingAnySku() {
            String a = stocked("A", 5);
            String order = newOrder();

            reservations.reserve(reserve(order, new StockLine(a, 1), new StockLine("bad sku", 1),
                    new StockLine(a + "X", 0)), context());

            assertThat(reservationEvents(order)).singleElement().isInstanceOfSatisfying(StockReservationRejected.class,
                    rejected -> assertThat(rejected.shortages()).containsExactly(new StockLine("bad sku", 1),
                            new StockLine(a + "X", 0)));
            assertThat(skuEvents(a)).hasSize(1);
        }

        @Test
        void noLines_isRejected() {
            String order = newOrder();

            reservations.reserve(new ReserveStock(order, null), context());

            assertThat(reservationEvents(order)).containsExactly(
                    new StockReservationRejected(order, List.of(), List.of()));
        }

        @Test
        void aMalformedOrderId_isRefusedBeforeAnythingHappens() {
            assertThatThrownBy(() -> reservations.reserve(reserve(" ", new StockLine("A", 1)), context()))
                    .isInstanceOf(MalformedMessage.class);
            assertThatThrownBy(() -> reservations.reserve(reserve("x".repeat(101), new StockLine("A", 1)), context()))
                    .isInstanceOf(MalformedMessage.class);
        }

        @Test
        void repeatedSkus_areReservedAsOneLine() {
            String a = stocked("A", 5);
            String order = newOrder();

            reservations.reserve(reserve(order, new StockLine(a, 1), new StockLine(a, 2)), context());

            assertThat(reservationEvents(order)).containsExactly(new StockReserved(order, List.of(new StockLine(a, 3))));
            assertThat(levels(a).reserved()).isEqualTo(3);
        }

        @Test
        void again_changesNothing_evenIfStockChangedSince() {
            String a = stocked("A", 2);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 3)), context());
            stocks.handle(new Stock.ReceiveStock(a, 10), context());

            Reservation.State state = reservations.reserve(reserve(order, new StockLine(a, 3)), context());

            assertThat(state).isInstanceOf(Reservation.Rejected.class);
            assertThat(reservationEvents(order)).hasSize(1);
            assertThat(levels(a).reserved()).isZero();
        }

        @Test
        void again_afterReserving_takesNothingMore() {
            String a = stocked("A", 5);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 3)), context());

            reservations.reserve(reserve(order, new StockLine(a, 3)), context());

            assertThat(reservationEvents(order)).hasSize(1);
            assertThat(skuEvents(a)).hasSize(2);
            assertThat(levels(a).reserved()).isEqualTo(3);
        }
    }

    @Nested
    class CrashingHalfWay {

        @Test
        void afterSomeAllocations_theRedeliveredCommandCompletesTheReservation() {
            String a = stocked("A", 5);
            String b = stocked("B", 5);
            String order = newOrder();
            // given: the first run allocated line a, then the process died
            stocks.handle(new Stock.Allocate(a, order, 2), context());

            // when: the command is delivered again
            Reservation.State state = reservations.reserve(reserve(order, new StockLine(a, 2), new StockLine(b, 1)),
                    context());

            // then: a is allocated once, b too, and the reservation is recorded once
            assertThat(state).isInstanceOf(Reservation.Reserved.class);
            assertThat(reservationEvents(order)).hasSize(1);
            assertThat(skuEvents(a)).filteredOn(StockAllocated.class::isInstance).hasSize(1);
            assertThat(levels(a).reserved()).isEqualTo(2);
            assertThat(levels(b).reserved()).isEqualTo(1);
        }

        @Test
        void afterSomeAllocations_aRedeliveryThatNowFindsAShortage_givesThemBack() {
            String a = stocked("A", 5);
            String b = stocked("B", 1);
            String order = newOrder();
            stocks.handle(new Stock.Allocate(a, order, 2), context());
            stocks.handle(new Stock.Allocate(b, newOrder(), 1), context());

            Reservation.State state = reservations.reserve(reserve(order, new StockLine(a, 2), new StockLine(b, 1)),
                    context());

            assertThat(state).isInstanceOf(Reservation.Rejected.class);
            assertThat(levels(a).reserved()).isZero();
        }

        @Test
        void afterTheRejectionWasRecorded_theRedeliveredCommandGivesTheUnitsBack() {
            String a = stocked("A", 5);
            String b = newSku("B");
            String order = newOrder();
            List<StockLine> lines = List.of(new StockLine(a, 2), new StockLine(b, 1));
            // given: a allocated, the verdict recorded, and the process died before giving a back
            stocks.handle(new Stock.Allocate(a, order, 2), context());
            record(order, new StockReservationRejected(order, lines, List.of(new StockLine(b, 1))));

            // when
            Reservation.State state = reservations.reserve(new ReserveStock(order, lines), context());

            // then
            assertThat(state).isInstanceOf(Reservation.Rejected.class);
            assertThat(reservationEvents(order)).hasSize(1);
            assertThat(levels(a).reserved()).isZero();
            assertThat(levels(a).allocations()).isEmpty();
        }

        @Test
        void afterTheShipmentWasRecorded_theRedeliveredCommandDispatchesTheRestOnce() {
            String a = stocked("A", 5);
            String b = stocked("B", 5);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 2), new StockLine(b, 1)), context());
            // given: the shipment recorded, a dispatched, then the process died
            record(order, new StockShipped(order, List.of(new StockLine(a, 2), new StockLine(b, 1))));
            stocks.handle(new Stock.Dispatch(a, order), context());

            reservations.ship(new ShipStock(order), context());

            assertThat(levels(a)).isEqualTo(new Stock.Stocked(a, 3, 0, Map.of()));
            assertThat(levels(b)).isEqualTo(new Stock.Stocked(b, 4, 0, Map.of()));
            assertThat(skuEvents(a)).filteredOn(StockDispatched.class::isInstance).hasSize(1);
            assertThat(reservationEvents(order)).hasSize(2);
        }

        private void record(String order, ReservationEvent event) {
            JsonEventCodec<ReservationEvent> codec = JsonEventCodec.of(ReservationEvent.class);
            store.append(Reservation.streamId(order), ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(),
                    codec.typeOf(event), codec.serialize(event), Metadata.EMPTY)));
        }
    }

    @Nested
    class Releasing {

        @Test
        void aReservation_givesEveryLineBack_once() {
            String a = stocked("A", 5);
            String b = stocked("B", 5);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 2), new StockLine(b, 1)), context());

            reservations.release(new ReleaseStock(order), context());
            reservations.release(new ReleaseStock(order), context());

            assertThat(reservationEvents(order)).hasSize(2).last().isInstanceOf(StockReleased.class);
            assertThat(levels(a)).isEqualTo(new Stock.Stocked(a, 5, 0, Map.of()));
            assertThat(levels(b)).isEqualTo(new Stock.Stocked(b, 5, 0, Map.of()));
            assertThat(skuEvents(a)).filteredOn(StockDeallocated.class::isInstance).hasSize(1);
        }

        @Test
        void beforeTheReservation_closesIt_soALateReserveTakesNothing() {
            String a = stocked("A", 5);
            String order = newOrder();

            reservations.release(new ReleaseStock(order), context());
            Reservation.State state = reservations.reserve(reserve(order, new StockLine(a, 2)), context());

            assertThat(state).isEqualTo(new Reservation.Released(order, List.of()));
            assertThat(skuEvents(a)).hasSize(1);
        }

        @Test
        void afterShipping_changesNothing() {
            String a = stocked("A", 5);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 2)), context());
            reservations.ship(new ShipStock(order), context());

            reservations.release(new ReleaseStock(order), context());

            assertThat(reservationEvents(order)).hasSize(2).last().isInstanceOf(StockShipped.class);
            assertThat(levels(a)).isEqualTo(new Stock.Stocked(a, 3, 0, Map.of()));
        }
    }

    @Nested
    class Shipping {

        @Test
        void aReservation_dispatchesEveryLine_once() {
            String a = stocked("A", 5);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 2)), context());

            reservations.ship(new ShipStock(order), context());
            reservations.ship(new ShipStock(order), context());

            assertThat(reservationEvents(order)).containsExactly(new StockReserved(order, List.of(new StockLine(a, 2))),
                    new StockShipped(order, List.of(new StockLine(a, 2))));
            assertThat(levels(a)).isEqualTo(new Stock.Stocked(a, 3, 0, Map.of()));
        }

        @Test
        void withoutAReservation_isRefused() {
            String a = stocked("A", 1);
            String order = newOrder();
            reservations.reserve(reserve(order, new StockLine(a, 2)), context());

            assertThatThrownBy(() -> reservations.ship(new ShipStock(order), context()))
                    .isInstanceOf(NothingToShip.class);
            assertThatThrownBy(() -> reservations.ship(new ShipStock(newOrder()), context()))
                    .isInstanceOf(NothingToShip.class);
        }
    }

    @Nested
    class Concurrently {

        @Test
        void fiftyOrders_forTheLastTenUnits_reserveExactlyTen() throws Exception {
            // given
            String sku = stocked("LAST", 10);
            int orders = 50;
            ExecutorService threads = Executors.newFixedThreadPool(orders);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Reservation.State>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < orders; i++) {
                    String order = newOrder();
                    CommandContext context = context();
                    outcomes.add(threads.submit(() -> {
                        start.await();
                        return reservations.reserve(reserve(order, new StockLine(sku, 1)), context);
                    }));
                }

                // when
                start.countDown();
                List<Reservation.State> states = new ArrayList<>();
                for (Future<Reservation.State> outcome : outcomes) {
                    states.add(outcome.get(60, TimeUnit.SECONDS));
                }

                // then
                assertThat(states).filteredOn(Reservation.Reserved.class::isInstance).hasSize(10);
                assertThat(states).filteredOn(Reservation.Rejected.class::isInstance).hasSize(40);
                assertThat(levels(sku)).satisfies(levels -> {
                    assertThat(levels.onHand()).isEqualTo(10);
                    assertThat(levels.reserved()).isEqualTo(10);
                    assertThat(levels.available()).isZero();
                    assertThat(levels.allocations()).hasSize(10);
                });
                assertLevelsConsistent(sku);
            } finally {
                threads.shutdownNow();
            }
        }

        /** Replays the sku's events: every event's levels follow from the previous ones, and none is negative. */
        private void assertLevelsConsistent(String sku) {
            int onHand = 0;
            Map<String, Integer> allocations = new HashMap<>();
            for (InventoryEvent event : skuEvents(sku)) {
                SkuEvent levels = (SkuEvent) event;
                switch (levels) {
                    case StockReceived received -> onHand += received.quantity();
                    case StockAllocated allocated -> assertThat(allocations.put(allocated.orderId(),
                            allocated.quantity())).isNull();
                    case StockDeallocated deallocated -> assertThat(allocations.remove(deallocated.orderId()))
                            .isEqualTo(deallocated.quantity());
                    case StockDispatched dispatched -> {
                        assertThat(allocations.remove(dispatched.orderId())).isEqualTo(dispatched.quantity());
                        onHand -= dispatched.quantity();
                    }
                }
                int reserved = allocations.values().stream().mapToInt(Integer::intValue).sum();
                assertThat(levels.onHand()).isEqualTo(onHand);
                assertThat(levels.reserved()).isEqualTo(reserved);
                assertThat(levels.onHand() - levels.reserved()).isNotNegative();
            }
        }
    }
}
