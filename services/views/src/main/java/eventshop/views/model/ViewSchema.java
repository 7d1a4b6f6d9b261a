package eventshop.views.model;

import eventshop.eventsourcing.projection.Tables;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The view tables' definitions ({@link #VERSION}), per generation through the runtime's {@link Tables}
 * ({@code {order_history}} is {@code order_history_g3} in generation 3). Every column comes from events (times are the events' own
 * timestamps, in epoch milliseconds), never from when the views processed them, so two replicas, or
 * a replica and its rebuild, hold the same rows.
 */
public final class ViewSchema {

    /**
     * The tables' layout. A generation made with an older one is replaced at start by a new generation
     * built from the beginning of the topics (the views are not ready until it has caught up).
     * 2: {@code order_history.checkout_position} (orders listed from carts' {@code CartCheckedOut}).
     */
    public static final int VERSION = 2;

    /** Every view table, in the order they are created and hashed. */
    public static final List<String> TABLES = List.of("order_history", "order_lines", "products", "stock",
            "sales_by_product", "sales_by_hour", "orders_by_status", "cancellations_by_reason");

    private ViewSchema() {
    }

    /** Creates generation {@code tables}' tables (the runtime has dropped leftovers of an interrupted creation). */
    public static void create(JdbcTemplate jdbc, Tables tables) {
        jdbc.execute(tables.sql("CREATE TABLE {order_history} (order_id VARCHAR(100) PRIMARY KEY,"
                + " customer_id VARCHAR(100) NOT NULL, status VARCHAR(20) NOT NULL, cancellation_reason VARCHAR(20),"
                + " item_count INT NOT NULL, line_count INT NOT NULL, subtotal_cents BIGINT NOT NULL,"
                + " tax_cents BIGINT NOT NULL, total_cents BIGINT NOT NULL, placed_at BIGINT NOT NULL,"
                + " updated_at BIGINT NOT NULL, confirmed_at BIGINT, checkout_position BIGINT, placed_position BIGINT,"
                + " version BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE INDEX " + tables.name("order_history") + "_by_customer ON {order_history}"
                + " (customer_id, checkout_position)"));
        jdbc.execute(tables.sql("CREATE INDEX " + tables.name("order_history") + "_by_position ON {order_history}"
                + " (checkout_position)"));
        jdbc.execute(tables.sql("CREATE TABLE {order_lines} (order_id VARCHAR(100) NOT NULL, line_no INT NOT NULL,"
                + " sku VARCHAR(40) NOT NULL, name VARCHAR(200) NOT NULL, quantity INT NOT NULL,"
                + " unit_price_cents BIGINT NOT NULL, line_total_cents BIGINT NOT NULL, PRIMARY KEY (order_id, line_no))"));
        jdbc.execute(tables.sql("CREATE TABLE {products} (sku VARCHAR(40) PRIMARY KEY, name VARCHAR(200) NOT NULL,"
                + " description VARCHAR(2000) NOT NULL, price_cents BIGINT NOT NULL, image_url VARCHAR(500) NOT NULL,"
                + " discontinued BOOLEAN NOT NULL, version BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE INDEX " + tables.name("products") + "_by_name ON {products}"
                + " (discontinued, name, sku)"));
        jdbc.execute(tables.sql("CREATE TABLE {stock} (sku VARCHAR(40) PRIMARY KEY, on_hand INT NOT NULL,"
                + " reserved INT NOT NULL, version BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {sales_by_product} (sku VARCHAR(40) PRIMARY KEY, orders BIGINT NOT NULL,"
                + " units BIGINT NOT NULL, revenue_cents BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {sales_by_hour} (hour_start BIGINT PRIMARY KEY, orders BIGINT NOT NULL,"
                + " units BIGINT NOT NULL, revenue_cents BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {orders_by_status} (status VARCHAR(20) PRIMARY KEY,"
                + " orders BIGINT NOT NULL)"));
        jdbc.execute(tables.sql("CREATE TABLE {cancellations_by_reason} (reason VARCHAR(20) PRIMARY KEY,"
                + " orders BIGINT NOT NULL)"));
    }
}
