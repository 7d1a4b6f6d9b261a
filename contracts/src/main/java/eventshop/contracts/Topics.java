package eventshop.contracts;

/**
 * Kafka topic names. Each service publishes its events on {@code <service>.events} (keyed by
 * stream id, through its log relay) and accepts commands on {@code <service>.commands}.
 */
public final class Topics {

    public static final String ACCOUNTS_EVENTS = "accounts.events";
    public static final String ACCOUNTS_COMMANDS = "accounts.commands";
    public static final String CATALOG_EVENTS = "catalog.events";
    public static final String INVENTORY_EVENTS = "inventory.events";
    public static final String INVENTORY_COMMANDS = "inventory.commands";
    public static final String CARTS_EVENTS = "carts.events";
    public static final String ORDERS_EVENTS = "orders.events";
    public static final String PAYMENTS_EVENTS = "payments.events";
    public static final String PAYMENTS_COMMANDS = "payments.commands";

    private Topics() {
    }
}
