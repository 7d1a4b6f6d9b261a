package eventshop.inventory.stock;

import eventshop.eventsourcing.calls.Reply;
import eventshop.eventsourcing.calls.ServiceCalls;
import eventshop.eventsourcing.calls.ServiceUnavailable;
import org.springframework.stereotype.Component;

/**
 * The catalog as inventory asks it, over its HTTP API as the calling user: does it know this sku?
 * {@code GET /api/catalog/products/{sku}} answers from the product's own stream, so a product added a
 * moment ago is known. A discontinued product is known too: stock may still arrive for it (returns).
 */
@Component
class Catalog {

    /** What inventory reads of a product: nothing but that it is one. */
    record Product(String sku, boolean discontinued) {
    }

    private final ServiceCalls calls;

    Catalog(ServiceCalls calls) {
        this.calls = calls;
    }

    /**
     * Whether the catalog knows {@code sku}, discontinued or not.
     *
     * @throws ServiceUnavailable if the catalog gives no answer (nothing may be decided without one)
     * @throws IllegalStateException if it answers something other than the product or 404
     */
    boolean knows(String sku) {
        Reply<Product> reply = calls.client("catalog").get("/api/catalog/products/{sku}", Product.class, sku);
        if (reply.is2xx() && reply.body() != null) {
            return true;
        }
        if (reply.isNotFound()) {
            return false;
        }
        throw new IllegalStateException("the catalog answered " + reply.status() + " to the look-up of " + sku
                + ": " + reply.detail());
    }
}
