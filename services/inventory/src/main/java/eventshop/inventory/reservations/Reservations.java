package eventshop.inventory.reservations;

import eventshop.contracts.inventory.InventoryCommand.ReleaseStock;
import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryCommand.ShipStock;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.StockLine;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import eventshop.inventory.reservations.domain.Reservation;
import eventshop.inventory.stock.Stocks;
import eventshop.inventory.stock.domain.StockErrors.InsufficientStock;
import eventshop.inventory.stock.domain.Stock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reserves, releases and ships an order's stock across the sku streams, all lines or none.
 *
 * <p>How a reservation runs: if the order's reservation stream already holds a verdict, nothing new
 * is decided. Otherwise each line is allocated on its sku stream in sku order (an allocation is
 * idempotent per order); once a line is short, later lines are only checked, not taken. Then the
 * verdict ({@code StockReserved}, or {@code StockReservationRejected} with the shortages) is appended
 * as the stream's first event. Only after that are the units given back (rejected) — and likewise
 * the release or shipment is recorded before the units are deallocated or dispatched. Every run ends
 * by applying the {@linkplain Reservation#settlement settlement} of whatever the stream says, so:
 * <ul>
 *   <li>a run that died half way (some lines allocated, or a verdict without its deallocations) is
 *       completed by the redelivered command: the allocations it made are found again, the verdict
 *       is the one already recorded if there is one;</li>
 *   <li>the verdict is decided once: a second run that finds one already recorded adopts it and
 *       gives back what it took if the verdict was a rejection.</li>
 * </ul>
 * Within this process the commands of one order run one at a time (striped locks); across processes
 * the command topic's partitioning by order does the same.
 *
 * <p>Thread-safe.
 */
@Component
public class Reservations {

    private static final int STRIPES = 64;

    private final CommandHandler<Reservation.Command, ReservationEvent, Reservation.State> handler;
    private final Stocks stocks;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public Reservations(EventStore store, Stocks stocks, Clock clock, Supplier<UUID> ids,
                        @Value("${eventshop.service-name:inventory}") String serviceName) {
        this.handler = CommandHandler.builder(serviceName, store, Reservation.DECIDER,
                        JsonEventCodec.of(ReservationEvent.class))
                .clock(clock)
                .ids(ids)
                .maxAttempts(20)
                .build();
        this.stocks = stocks;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** An order's reservation, for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("reservation", Reservation.streamId(""), handler);
    }

    /** Reserves every line of the order or none; answers with the reservation's state afterwards. */
    public Reservation.State reserve(ReserveStock command, CommandContext context) {
        String orderId = orderId(command.orderId());
        List<StockLine> requested = Objects.requireNonNullElse(command.lines(), List.of());
        if (requested.stream().anyMatch(line -> line == null)) {
            throw new MalformedMessage("ReserveStock for order " + orderId + " has a null line");
        }
        return locked(orderId, () -> {
            if (handler.load(Reservation.streamId(orderId)).state() instanceof Reservation.Undecided) {
                List<StockLine> lines = Reservation.normalized(requested);
                List<StockLine> shortages = allocatable(lines) ? allocate(orderId, lines, context) : List.of();
                handler.handle(Reservation.streamId(orderId), new Reservation.Conclude(orderId, lines, shortages),
                        context);
            }
            return settle(orderId, context);
        });
    }

    /** Gives an order's reserved stock back (nothing if it was never reserved, or already shipped). */
    public Reservation.State release(ReleaseStock command, CommandContext context) {
        String orderId = orderId(command.orderId());
        return locked(orderId, () -> {
            handler.handle(Reservation.streamId(orderId), new Reservation.Release(orderId), context);
            return settle(orderId, context);
        });
    }

    /**
     * Dispatches an order's reserved stock.
     *
     * @throws eventshop.inventory.reservations.domain.NothingToShip if the order holds no reserved stock
     */
    public Reservation.State ship(ShipStock command, CommandContext context) {
        String orderId = orderId(command.orderId());
        return locked(orderId, () -> {
            handler.handle(Reservation.streamId(orderId), new Reservation.Ship(orderId), context);
            return settle(orderId, context);
        });
    }

    /** The reservation of an order as its stream says. */
    public Reservation.State state(String orderId) {
        return handler.load(Reservation.streamId(orderId(orderId))).state();
    }

    private static boolean allocatable(List<StockLine> lines) {
        return !lines.isEmpty() && lines.size() <= Reservation.MAX_LINES && Reservation.invalidLines(lines).isEmpty();
    }

    /** Allocates the lines in order until one is short; returns the shortages (empty if all were allocated). */
    private List<StockLine> allocate(String orderId, List<StockLine> lines, CommandContext context) {
        List<StockLine> shortages = new ArrayList<>();
        for (StockLine line : lines) {
            if (shortages.isEmpty()) {
                try {
                    stocks.handle(new Stock.Allocate(line.sku(), orderId, line.quantity()), context);
                } catch (InsufficientStock shortage) {
                    shortages.add(new StockLine(line.sku(), shortage.shortage()));
                }
            } else {
                int available = switch (stocks.state(line.sku())) {
                    case Stock.NeverStocked never -> 0;
                    case Stock.Stocked stocked -> Math.max(0, stocked.available());
                };
                if (available < line.quantity()) {
                    shortages.add(new StockLine(line.sku(), line.quantity() - available));
                }
            }
        }
        return shortages;
    }

    /** Brings the sku streams in line with the reservation's state; returns that state. */
    private Reservation.State settle(String orderId, CommandContext context) {
        Reservation.State state = handler.load(Reservation.streamId(orderId)).state();
        for (Stock.Command command : Reservation.settlement(state)) {
            stocks.handle(command, context);
        }
        return state;
    }

    private static String orderId(String orderId) {
        if (!Reservation.isOrderId(orderId)) {
            throw new MalformedMessage("the order id must be 1.." + Reservation.MAX_ORDER_ID + " characters, was "
                    + (orderId == null ? "null" : orderId.length() + " characters"));
        }
        return orderId;
    }

    private <T> T locked(String orderId, Supplier<T> work) {
        ReentrantLock lock = locks[Math.floorMod(orderId.hashCode(), STRIPES)];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
