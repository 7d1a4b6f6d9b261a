package eventshop.inventory.stock;

import eventshop.eventsourcing.decider.DomainError;

/** Stock received for a sku the catalog does not know: 422 {@code unknown-product}, nothing stored. */
final class UnknownProduct extends DomainError {

    UnknownProduct(String sku) {
        super(Kind.UNPROCESSABLE, "the catalog has no product " + sku
                + "; add it to the catalog before receiving stock for it");
    }
}
