package eventshop.contracts.inventory;

import java.util.List;

/**
 * What inventory publishes on {@code inventory.events}. Two kinds of stream:
 * <ul>
 * <li>{@code stock-<sku>}: {@link SkuEvent}s, each carrying the sku's levels after it
 *     ({@code available = onHand - reserved}), so a consumer keeps the latest by stream version;</li>
 * <li>{@code reservation-<orderId>}: {@link ReservationEvent}s, the answers to the commands of
 *     {@link InventoryCommand} (all lines or none).</li>
 * </ul>
 */
public sealed interface InventoryEvent {

    sealed interface SkuEvent extends InventoryEvent {
        String sku();

        int onHand();

        int reserved();
    }

    sealed interface ReservationEvent extends InventoryEvent {
        String orderId();

        List<StockLine> lines();
    }

    /**
     * Units came into stock. Schema version 2 ({@link InventorySchema}): version 1 had no {@code receipt}, and
     * reads as {@link Receipt#UNREFERENCED_DELIVERY}. A consumer built before version 2 ignores the field.
     */
    record StockReceived(String sku, int quantity, int onHand, int reserved, Receipt receipt) implements SkuEvent {

        /** A delivery without a reference: what every receipt of schema version 1 was. */
        public StockReceived(String sku, int quantity, int onHand, int reserved) {
            this(sku, quantity, onHand, reserved, Receipt.UNREFERENCED_DELIVERY);
        }
    }

    /**
     * What brought units into stock, and the paperwork it came with ({@code reference}: a supplier's delivery
     * note, a return's number, a stocktake's id; empty when there was none).
     */
    record Receipt(ReceiptKind kind, String reference) {

        /** A supplier's delivery without a reference. */
        public static final Receipt UNREFERENCED_DELIVERY = new Receipt(ReceiptKind.DELIVERY, "");
    }

    enum ReceiptKind {
        /** From a supplier. */
        DELIVERY,
        /** A customer's return, put back on the shelf. */
        CUSTOMER_RETURN,
        /** Units a stocktake found that the books did not have. */
        STOCKTAKE_FOUND
    }

    /** Part of an order's reservation was taken from this sku. */
    record StockAllocated(String sku, String orderId, int quantity, int onHand, int reserved) implements SkuEvent {
    }

    /** An order's allocation was given back (reservation rejected on another line, or released). */
    record StockDeallocated(String sku, String orderId, int quantity, int onHand, int reserved) implements SkuEvent {
    }

    /** An order's allocation left the warehouse: on hand and reserved both drop. */
    record StockDispatched(String sku, String orderId, int quantity, int onHand, int reserved) implements SkuEvent {
    }

    /** Every line of the order is reserved. */
    record StockReserved(String orderId, List<StockLine> lines) implements ReservationEvent {
    }

    /** Nothing was reserved; {@code shortages} are the lines that were not available (quantity = what was missing). */
    record StockReservationRejected(String orderId, List<StockLine> lines, List<StockLine> shortages)
            implements ReservationEvent {
    }

    record StockReleased(String orderId, List<StockLine> lines) implements ReservationEvent {
    }

    record StockShipped(String orderId, List<StockLine> lines) implements ReservationEvent {
    }
}
