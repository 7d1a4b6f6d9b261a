package eventshop.functions.handling;

import eventshop.contracts.accounts.AccountCommand;
import eventshop.contracts.accounts.AccountCommand.MessageKind;
import eventshop.contracts.accounts.AccountCommand.NotifyAdmins;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.StockAllocated;
import java.util.Optional;
import java.util.UUID;

/**
 * Low-stock alerts on {@code inventory.events}: when an allocation takes a sku's available stock
 * ({@code onHand - reserved}) from at least {@code threshold} to below it, the administrators are
 * notified. Stateless: the event carries the levels after it and the quantity taken, so the level
 * before is {@code available + quantity} and the crossing is visible in the one event; an allocation
 * that stays below the threshold does not alert again.
 */
public final class LowStock implements Handler<InventoryEvent, AccountCommand> {

    public static final String NAME = "lowStock";
    public static final int DEFAULT_THRESHOLD = 5;

    private final int threshold;

    public LowStock(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("the low-stock threshold must be at least 1, was " + threshold);
        }
        this.threshold = threshold;
    }

    public int threshold() {
        return threshold;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Outgoing<AccountCommand>> on(InventoryEvent event, String eventId) {
        if (!(event instanceof StockAllocated allocated)) {
            return Optional.empty();
        }
        long after = (long) allocated.onHand() - allocated.reserved();
        long before = after + allocated.quantity();
        if (after >= threshold || before < threshold) {
            return Optional.empty();
        }
        UUID id = DerivedIds.of(NAME, eventId);
        return Optional.of(new Outgoing<>(id, allocated.sku(), new NotifyAdmins(id.toString(), MessageKind.LOW_STOCK,
                "Low stock: " + allocated.sku(),
                allocated.sku() + " has " + after + " available (below the threshold of " + threshold + ") after order "
                        + allocated.orderId() + " took " + allocated.quantity() + ". On hand " + allocated.onHand()
                        + ", reserved " + allocated.reserved() + ".")));
    }
}
