package eventshop.inventory.reservations.domain;

import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.StockReleased;
import eventshop.contracts.inventory.InventoryEvent.StockReservationRejected;
import eventshop.contracts.inventory.InventoryEvent.StockReserved;
import eventshop.contracts.inventory.InventoryEvent.StockShipped;
import eventshop.contracts.inventory.StockLine;
import eventshop.eventsourcing.decider.Decider;
import eventshop.inventory.stock.domain.Stock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reservation of one order, stream {@code reservation-<orderId>}: all of its lines or none.
 *
 * <p>The stream records outcomes only, and its first event is the reservation's one and only
 * verdict ({@link StockReserved} or {@link StockReservationRejected}); whoever appends it first
 * (expecting an empty stream) decides. The units themselves are taken on the sku streams
 * ({@link Stock}) before the verdict, and given back or dispatched after it: {@link #settlement}
 * says what every sku stream must still see for a state, so a run that died half way is completed
 * by running again.
 */
public final class Reservation {

    /** Most distinct skus in one reservation. */
    public static final int MAX_LINES = 100;
    /** Most units of one sku in one reservation. */
    public static final int MAX_QUANTITY = 1_000_000;
    /** Longest order id (the stream id must stay well inside the store's limit). */
    public static final int MAX_ORDER_ID = 100;

    public static final Decider<Command, ReservationEvent, State> DECIDER =
            new Decider<>(new Undecided(), Reservation::evolve, Reservation::decide);

    private Reservation() {
    }

    /** The stream of an order's reservation. */
    public static String streamId(String orderId) {
        return "reservation-" + orderId;
    }

    /** Whether {@code orderId} can name a reservation. */
    public static boolean isOrderId(String orderId) {
        return orderId != null && !orderId.isBlank() && orderId.length() <= MAX_ORDER_ID;
    }

    public sealed interface Command {
        String orderId();
    }

    /**
     * Record the verdict on a reservation whose lines have been allocated as far as they could be.
     *
     * @param lines     the requested lines ({@link #normalized}: one per sku, in sku order)
     * @param shortages the lines that could not be allocated, with the missing quantity (empty: all were)
     */
    public record Conclude(String orderId, List<StockLine> lines, List<StockLine> shortages) implements Command {
        public Conclude {
            lines = List.copyOf(lines);
            shortages = List.copyOf(shortages);
        }
    }

    /** Give the reserved units back (the order was cancelled). */
    public record Release(String orderId) implements Command {
    }

    /** The reserved units leave the warehouse. */
    public record Ship(String orderId) implements Command {
    }

    public sealed interface State {
    }

    /** No verdict yet (units may already be allocated on the sku streams by a run that is under way). */
    public record Undecided() implements State {
    }

    public record Reserved(String orderId, List<StockLine> lines) implements State {
    }

    public record Rejected(String orderId, List<StockLine> lines) implements State {
    }

    public record Released(String orderId, List<StockLine> lines) implements State {
    }

    public record Shipped(String orderId, List<StockLine> lines) implements State {
    }

    public static State evolve(State state, ReservationEvent event) {
        return switch (event) {
            case StockReserved reserved -> new Reserved(reserved.orderId(), reserved.lines());
            case StockReservationRejected rejected -> new Rejected(rejected.orderId(), rejected.lines());
            case StockReleased released -> new Released(released.orderId(), released.lines());
            case StockShipped shipped -> new Shipped(shipped.orderId(), shipped.lines());
        };
    }

    public static List<ReservationEvent> decide(Command command, State state) {
        return switch (command) {
            case Conclude conclude -> switch (state) {
                case Undecided undecided -> List.of(verdict(conclude));
                case Reserved reserved -> List.of();
                case Rejected rejected -> List.of();
                case Released released -> List.of();
                case Shipped shipped -> List.of();
            };
            // Releasing before any verdict closes the reservation, so a late ReserveStock takes nothing.
            case Release release -> switch (state) {
                case Undecided undecided -> List.of(new StockReleased(release.orderId(), List.of()));
                case Reserved reserved -> List.of(new StockReleased(reserved.orderId(), reserved.lines()));
                case Rejected rejected -> List.of();
                case Released released -> List.of();
                case Shipped shipped -> List.of();
            };
            case Ship ship -> switch (state) {
                case Reserved reserved -> List.of(new StockShipped(reserved.orderId(), reserved.lines()));
                case Shipped shipped -> List.of();
                case Undecided undecided -> throw new NothingToShip(ship.orderId(), "no stock is reserved for it");
                case Rejected rejected -> throw new NothingToShip(ship.orderId(), "its reservation was rejected");
                case Released released -> throw new NothingToShip(ship.orderId(), "its stock was released");
            };
        };
    }

    private static ReservationEvent verdict(Conclude conclude) {
        if (conclude.lines().isEmpty() || conclude.lines().size() > MAX_LINES) {
            return new StockReservationRejected(conclude.orderId(), conclude.lines(), List.of());
        }
        List<StockLine> invalid = invalidLines(conclude.lines());
        if (!invalid.isEmpty()) {
            return new StockReservationRejected(conclude.orderId(), conclude.lines(), invalid);
        }
        if (!conclude.shortages().isEmpty()) {
            return new StockReservationRejected(conclude.orderId(), conclude.lines(), conclude.shortages());
        }
        return new StockReserved(conclude.orderId(), conclude.lines());
    }

    /**
     * What the sku streams must still see for a reservation in {@code state}: nothing while undecided
     * or reserved; a deallocation per line once rejected or released; a dispatch per line once shipped.
     * Each of these changes nothing where it already happened.
     */
    public static List<Stock.Command> settlement(State state) {
        return switch (state) {
            case Undecided undecided -> List.of();
            case Reserved reserved -> List.of();
            case Rejected rejected -> deallocations(rejected.orderId(), rejected.lines());
            case Released released -> deallocations(released.orderId(), released.lines());
            case Shipped shipped -> shipped.lines().stream()
                    .filter(line -> Stock.isSku(line.sku()))
                    .<Stock.Command>map(line -> new Stock.Dispatch(line.sku(), shipped.orderId()))
                    .toList();
        };
    }

    private static List<Stock.Command> deallocations(String orderId, List<StockLine> lines) {
        return lines.stream()
                .filter(line -> Stock.isSku(line.sku()))
                .<Stock.Command>map(line -> new Stock.Deallocate(line.sku(), orderId))
                .toList();
    }

    /** The lines no reservation can hold: a malformed sku, or a quantity outside 1..{@value #MAX_QUANTITY}. */
    public static List<StockLine> invalidLines(List<StockLine> lines) {
        return lines.stream()
                .filter(line -> !Stock.isSku(line.sku()) || line.quantity() < 1 || line.quantity() > MAX_QUANTITY)
                .toList();
    }

    /**
     * The lines one per sku (quantities of repeated skus added up) in sku order, which is the order
     * they are allocated in. Invalid lines are kept as they are, after the valid ones.
     */
    public static List<StockLine> normalized(List<StockLine> lines) {
        Map<String, Long> bySku = new TreeMap<>();
        List<StockLine> invalid = invalidLines(lines);
        for (StockLine line : lines) {
            if (!invalid.contains(line)) {
                bySku.merge(line.sku(), (long) line.quantity(), Long::sum);
            }
        }
        List<StockLine> result = new ArrayList<>();
        bySku.forEach((sku, quantity) -> result.add(new StockLine(sku, (int) Math.min(quantity, Integer.MAX_VALUE))));
        result.addAll(invalid);
        return List.copyOf(result);
    }
}
