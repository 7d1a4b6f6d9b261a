package eventshop.inventory.stock.domain;

import eventshop.contracts.inventory.InventoryEvent.Receipt;
import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import eventshop.contracts.inventory.InventoryEvent.StockDeallocated;
import eventshop.contracts.inventory.InventoryEvent.StockDispatched;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.eventsourcing.decider.Decider;
import eventshop.inventory.stock.domain.StockErrors.InsufficientStock;
import eventshop.inventory.stock.domain.StockErrors.InvalidQuantity;
import eventshop.inventory.stock.domain.StockErrors.InvalidReceipt;
import eventshop.inventory.stock.domain.StockErrors.StockLimitExceeded;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The stock of one sku, stream {@code stock-<sku>}: what is on hand, how much of it is reserved, and
 * by which orders. Every event carries the levels after it ({@code available = onHand - reserved}).
 *
 * <p>Allocations are remembered per order id, so each order command is idempotent: allocating again
 * for an order that holds an allocation changes nothing, and deallocating or dispatching an order
 * without one changes nothing. An allocation never takes more than is available; because the check
 * and the append are one optimistic-concurrency step on the stream, two concurrent allocations of the
 * last units cannot both succeed (the loser is decided again and sees the shortage).
 */
public final class Stock {

    /** Most units one receipt may bring. */
    public static final int MAX_RECEIPT = 1_000_000;
    /** Longest reference a receipt may carry (a delivery note's, a return's or a stocktake's number). */
    public static final int MAX_REFERENCE = 100;
    /** Most units a sku may hold on hand (far below {@link Integer#MAX_VALUE}, so sums never overflow). */
    public static final int MAX_ON_HAND = 1_000_000_000;
    /** What a sku looks like: upper-case letters, digits and dashes, at most 40. */
    public static final Pattern SKU = Pattern.compile("[A-Z0-9-]{1,40}");

    public static final Decider<Command, SkuEvent, State> DECIDER =
            new Decider<>(new NeverStocked(), Stock::evolve, Stock::decide);

    private Stock() {
    }

    /** The stream of a sku's stock. */
    public static String streamId(String sku) {
        return "stock-" + sku;
    }

    /** Whether {@code sku} is a well-formed sku. */
    public static boolean isSku(String sku) {
        return sku != null && SKU.matcher(sku).matches();
    }

    public sealed interface Command {
        String sku();
    }

    /** Units came into stock, for the reason and with the reference {@code receipt} says. */
    public record ReceiveStock(String sku, int quantity, Receipt receipt) implements Command {

        /** A supplier's delivery without a reference. */
        public ReceiveStock(String sku, int quantity) {
            this(sku, quantity, Receipt.UNREFERENCED_DELIVERY);
        }
    }

    /** Set {@code quantity} units aside for an order. */
    public record Allocate(String sku, String orderId, int quantity) implements Command {
    }

    /** Give an order's allocation back. */
    public record Deallocate(String sku, String orderId) implements Command {
    }

    /** An order's allocation leaves the warehouse. */
    public record Dispatch(String sku, String orderId) implements Command {
    }

    public sealed interface State {
    }

    /** Nothing ever happened to this sku: nothing on hand, nothing available. */
    public record NeverStocked() implements State {
    }

    /**
     * A sku that has had stock.
     *
     * @param allocations the quantity each order holds
     */
    public record Stocked(String sku, int onHand, int reserved, Map<String, Integer> allocations) implements State {
        public Stocked {
            allocations = Map.copyOf(allocations);
        }

        public int available() {
            return onHand - reserved;
        }
    }

    public static State evolve(State state, SkuEvent event) {
        Map<String, Integer> allocations = state instanceof Stocked stocked ? stocked.allocations() : Map.of();
        return switch (event) {
            case StockReceived received -> new Stocked(received.sku(), received.onHand(), received.reserved(),
                    allocations);
            case StockAllocated allocated -> new Stocked(allocated.sku(), allocated.onHand(), allocated.reserved(),
                    with(allocations, allocated.orderId(), allocated.quantity()));
            case StockDeallocated deallocated -> new Stocked(deallocated.sku(), deallocated.onHand(),
                    deallocated.reserved(), without(allocations, deallocated.orderId()));
            case StockDispatched dispatched -> new Stocked(dispatched.sku(), dispatched.onHand(), dispatched.reserved(),
                    without(allocations, dispatched.orderId()));
        };
    }

    public static List<SkuEvent> decide(Command command, State state) {
        return switch (command) {
            case ReceiveStock receive -> receive(receive, state);
            case Allocate allocate -> allocate(allocate, state);
            case Deallocate deallocate -> switch (state) {
                case NeverStocked never -> List.of();
                case Stocked stocked -> {
                    Integer quantity = stocked.allocations().get(deallocate.orderId());
                    yield quantity == null ? List.of() : List.of(new StockDeallocated(stocked.sku(),
                            deallocate.orderId(), quantity, stocked.onHand(), stocked.reserved() - quantity));
                }
            };
            case Dispatch dispatch -> switch (state) {
                case NeverStocked never -> List.of();
                case Stocked stocked -> {
                    Integer quantity = stocked.allocations().get(dispatch.orderId());
                    yield quantity == null ? List.of() : List.of(new StockDispatched(stocked.sku(), dispatch.orderId(),
                            quantity, stocked.onHand() - quantity, stocked.reserved() - quantity));
                }
            };
        };
    }

    private static List<SkuEvent> receive(ReceiveStock receive, State state) {
        if (receive.quantity() < 1 || receive.quantity() > MAX_RECEIPT) {
            throw new InvalidQuantity(receive.quantity(), MAX_RECEIPT);
        }
        if (receive.receipt() == null || receive.receipt().kind() == null || receive.receipt().reference() == null
                || receive.receipt().reference().length() > MAX_REFERENCE) {
            throw new InvalidReceipt(MAX_REFERENCE);
        }
        return switch (state) {
            case NeverStocked never -> List.of(new StockReceived(receive.sku(), receive.quantity(), receive.quantity(), 0,
                    receive.receipt()));
            case Stocked stocked -> {
                if ((long) stocked.onHand() + receive.quantity() > MAX_ON_HAND) {
                    throw new StockLimitExceeded(stocked.sku(), stocked.onHand(), receive.quantity(), MAX_ON_HAND);
                }
                yield List.of(new StockReceived(stocked.sku(), receive.quantity(),
                        stocked.onHand() + receive.quantity(), stocked.reserved(), receive.receipt()));
            }
        };
    }

    private static List<SkuEvent> allocate(Allocate allocate, State state) {
        if (allocate.quantity() < 1) {
            throw new InvalidQuantity(allocate.quantity(), MAX_ON_HAND);
        }
        return switch (state) {
            case NeverStocked never -> throw new InsufficientStock(allocate.sku(), allocate.quantity(), 0);
            case Stocked stocked -> {
                if (stocked.allocations().containsKey(allocate.orderId())) {
                    yield List.of();
                }
                if (stocked.available() < allocate.quantity()) {
                    throw new InsufficientStock(stocked.sku(), allocate.quantity(), stocked.available());
                }
                yield List.of(new StockAllocated(stocked.sku(), allocate.orderId(), allocate.quantity(),
                        stocked.onHand(), stocked.reserved() + allocate.quantity()));
            }
        };
    }

    private static Map<String, Integer> with(Map<String, Integer> map, String key, int value) {
        Map<String, Integer> copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Integer> without(Map<String, Integer> map, String key) {
        if (!map.containsKey(key)) {
            return map;
        }
        Map<String, Integer> copy = new HashMap<>(map);
        copy.remove(key);
        return copy;
    }
}
