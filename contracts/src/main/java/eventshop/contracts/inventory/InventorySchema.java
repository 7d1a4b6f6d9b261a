package eventshop.contracts.inventory;

import eventshop.contracts.SchemaHistory;
import eventshop.contracts.SchemaStep;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema history of {@link InventoryEvent}.
 *
 * <ul>
 * <li>{@code StockReceived} 1 → 2: a receipt says what brought the units in ({@link InventoryEvent.Receipt}: a
 *     supplier's delivery, a customer's return put back on the shelf, or units a stocktake found) and the
 *     paperwork it came with. Version 1 knew only deliveries and kept no reference, so every version-1
 *     receipt reads as a delivery with an empty reference.</li>
 * </ul>
 */
public final class InventorySchema {

    public static final SchemaHistory HISTORY = new SchemaHistory(Map.of("StockReceived", 2), List.of(
            SchemaStep.of("StockReceived", 1, InventorySchema::receiptOfAnUnreferencedDelivery)));

    private InventorySchema() {
    }

    private static Map<String, Object> receiptOfAnUnreferencedDelivery(Map<String, Object> received) {
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("kind", InventoryEvent.ReceiptKind.DELIVERY.name());
        receipt.put("reference", "");
        received.put("receipt", receipt);
        return received;
    }
}
