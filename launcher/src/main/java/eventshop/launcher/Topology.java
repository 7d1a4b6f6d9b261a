package eventshop.launcher;

import eventshop.accounts.AccountsApplication;
import eventshop.carts.CartsApplication;
import eventshop.catalog.CatalogApplication;
import eventshop.edge.EdgeApplication;
import eventshop.functions.FunctionsApplication;
import eventshop.inventory.InventoryApplication;
import eventshop.orders.OrdersApplication;
import eventshop.payments.PaymentsApplication;
import eventshop.views.ViewsApplication;
import eventshop.web.WebApplication;
import java.util.List;

/**
 * The store's applications in start order (DESIGN §2, embedded): the services first, each on its
 * own port, then edge in front of them on :8080.
 */
public final class Topology {

    private Topology() {
    }

    /** The event-sourced services in start order. */
    public static List<ServiceApp> services() {
        return List.of(
                ServiceApp.service("accounts", 8081, AccountsApplication::builder),
                ServiceApp.service("catalog", 8082, CatalogApplication::builder),
                ServiceApp.service("inventory", 8083, InventoryApplication::builder),
                ServiceApp.service("carts", 8084, CartsApplication::builder),
                ServiceApp.service("orders", 8085, OrdersApplication::builder),
                ServiceApp.service("payments", 8086, PaymentsApplication::builder),
                ServiceApp.service("views", 8087, ViewsApplication::builder),
                // stateless: no event store of its own (it excludes the starter's), Kafka in and out
                ServiceApp.service("functions", 8088, FunctionsApplication::builder),
                // the storefront behind edge: no event store either, the services' APIs and Kafka's public topics in
                ServiceApp.service("web", 8089, WebApplication::builder));
    }

    /** The front door, started last. */
    public static ServiceApp edge() {
        return ServiceApp.edge(8080, EdgeApplication::builder);
    }
}
