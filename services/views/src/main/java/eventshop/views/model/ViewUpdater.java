package eventshop.views.model;

import eventshop.contracts.carts.CartEvent;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.contracts.catalog.CatalogEvent.ProductAdded;
import eventshop.contracts.catalog.CatalogEvent.ProductDiscontinued;
import eventshop.contracts.catalog.CatalogEvent.ProductPriceChanged;
import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.ReservationEvent;
import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.contracts.orders.OrderEvent;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderEvent.OrderPlaced;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.projection.Tables;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies one event of another service to the view tables of a generation. Called inside the runtime's
 * batch transaction ({@link Views}), so everything written here commits together with the partition
 * checkpoints.
 *
 * <p>Replays and duplicates change nothing: an order, a product and a sku each keep the stream version
 * of the last event applied to them and ignore anything not newer; the counters of the dashboards
 * move only on a status change that passed that check. Every row depends only on events of one stream,
 * or is a sum over streams, so the order in which partitions interleave does not change the result.
 *
 * <p><b>An order's row comes from two logs.</b> Carts' {@code CartCheckedOut} lists the order at once
 * (status PLACED, lines, totals, customer), so a checkout's consistency token ({@code carts:...})
 * guarantees the order history shows it, however late orders consumes the checkout. Orders'
 * {@code OrderPlaced} and its status events then update the same row. The two topics are read
 * independently, so either may come first, and the row converges to the same content both ways:
 * <ul>
 *   <li>a checkout creates the row only if it does not exist, at version -1 (before the order stream's
 *       first event), and otherwise only records its {@code checkout_position};</li>
 *   <li>{@code OrderPlaced} (version 0) creates the row, or overwrites a row still at version -1 with
 *       its own customer, lines, totals and time (orders placed it from that checkout, so they agree
 *       anyway; where they would not, orders' word wins, whatever the order of arrival);</li>
 *   <li>the status events apply to a row by the order stream's version as before.</li>
 * </ul>
 * "Newest first" is the order of the checkouts in carts' log ({@code checkout_position}); an order
 * whose checkout the views have not read yet (only possible for a moment, or for an order placed
 * without one) sorts before the others, by the position of its {@code OrderPlaced}.
 *
 * <p>The contract records are read leniently (unknown fields ignored), so a field a publisher adds does
 * not stop the views; event types the views do not use are passed over.
 */
public final class ViewUpdater {

    private static final JsonMapper LENIENT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final JsonEventCodec<OrderEvent> ORDERS = JsonEventCodec.of(OrderEvent.class, LENIENT);
    private static final JsonEventCodec<CatalogEvent> CATALOG = JsonEventCodec.of(CatalogEvent.class, LENIENT);
    private static final JsonEventCodec<InventoryEvent> INVENTORY = JsonEventCodec.of(InventoryEvent.class, LENIENT);
    private static final JsonEventCodec<CartEvent> CARTS = JsonEventCodec.of(CartEvent.class, LENIENT);
    private static final String CHECKED_OUT = CartCheckedOut.class.getSimpleName();
    private static final long HOUR = 3_600_000L;

    /**
     * Applies {@code event} read from a topic of service {@code source}.
     *
     * @throws MalformedMessage if its payload does not decode as the contract type it names, or it
     *                                      is a checkout orders refuses (nothing written): passed over
     */
    public void apply(String source, IncomingEvent event, Tables tables, JdbcTemplate jdbc) {
        switch (source) {
            case "orders" -> {
                if (ORDERS.typeNames().contains(event.type())) {
                    onOrder(event.decode(ORDERS), event, tables, jdbc);
                }
            }
            case "catalog" -> {
                if (CATALOG.typeNames().contains(event.type())) {
                    onCatalog(event.decode(CATALOG), event, tables, jdbc);
                }
            }
            case "inventory" -> {
                if (INVENTORY.typeNames().contains(event.type())) {
                    onInventory(event.decode(INVENTORY), event, tables, jdbc);
                }
            }
            case "carts" -> {
                if (CHECKED_OUT.equals(event.type())) {
                    onCheckout(event.decode(CARTS), event, tables, jdbc);
                }
            }
            default -> {
                // accounts, payments: followed for consistency tokens, no view uses them yet
            }
        }
    }

    // ---------------------------------------------------------------- orders

    private record OrderRow(OrderStatus status, long version, Long confirmedAt) {
    }

    private void onOrder(OrderEvent decoded, IncomingEvent event, Tables t, JdbcTemplate jdbc) {
        long at = event.timestamp().toEpochMilli();
        if (decoded instanceof OrderPlaced placed) {
            placed(placed, event, at, t, jdbc);
            return;
        }
        OrderStatus next = decoded.status();
        OrderRow row = jdbc.query(t.sql("SELECT status, version, confirmed_at FROM {order_history} WHERE order_id = ?"),
                (rs, n) -> new OrderRow(OrderStatus.valueOf(rs.getString(1)), rs.getLong(2),
                        (Long) rs.getObject(3, Long.class)), decoded.orderId()).stream().findFirst().orElse(null);
        if (row == null || event.version() <= row.version()) {
            return; // placed before the topic's retention, or a duplicate / older copy
        }
        String reason = decoded instanceof OrderCancelled cancelled
                ? (cancelled.reason() == null ? "UNKNOWN" : cancelled.reason().name()) : null;
        boolean confirmsSale = decoded instanceof OrderConfirmed && row.confirmedAt() == null
                && row.status() != OrderStatus.CANCELLED;
        jdbc.update(t.sql("UPDATE {order_history} SET status = ?, cancellation_reason = COALESCE(?, cancellation_reason),"
                        + " updated_at = ?, version = ?, confirmed_at = ? WHERE order_id = ?"), next.name(), reason, at,
                event.version(), confirmsSale ? Long.valueOf(at) : row.confirmedAt(), decoded.orderId());
        if (next != row.status()) {
            add(jdbc, t.sql("{orders_by_status}"), "status", row.status().name(), "orders", -1);
            add(jdbc, t.sql("{orders_by_status}"), "status", next.name(), "orders", 1);
        }
        if (confirmsSale) {
            sale(decoded.orderId(), at, 1, t, jdbc);
        }
        if (decoded instanceof OrderCancelled && row.status() != OrderStatus.CANCELLED) {
            add(jdbc, t.sql("{cancellations_by_reason}"), "reason", reason, "orders", 1);
            if (row.confirmedAt() != null) {
                sale(decoded.orderId(), row.confirmedAt(), -1, t, jdbc); // cancelled after the sale: refunded
            }
        }
    }

    private void placed(OrderPlaced placed, IncomingEvent event, long at, Tables t, JdbcTemplate jdbc) {
        Long version = jdbc.query(t.sql("SELECT version FROM {order_history} WHERE order_id = ?"),
                (rs, n) -> rs.getLong(1), placed.orderId()).stream().findFirst().orElse(null);
        if (version != null && version >= event.version()) {
            return; // a duplicate or an older copy
        }
        List<OrderLine> lines = placed.lines() == null ? List.of() : placed.lines();
        int items = lines.stream().mapToInt(OrderLine::quantity).sum();
        if (version == null) {
            jdbc.update(t.sql("INSERT INTO {order_history} (order_id, customer_id, status, item_count, line_count,"
                            + " subtotal_cents, tax_cents, total_cents, placed_at, updated_at, placed_position, version)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), placed.orderId(), placed.customerId(),
                    OrderStatus.PLACED.name(), items, lines.size(), placed.subtotalCents(), placed.taxCents(),
                    placed.totalCents(), at, at, event.sourcePosition(), event.version());
            add(jdbc, t.sql("{orders_by_status}"), "status", OrderStatus.PLACED.name(), "orders", 1);
        } else {
            // listed from its checkout (version -1, status PLACED): orders' own word replaces it
            jdbc.update(t.sql("UPDATE {order_history} SET customer_id = ?, item_count = ?, line_count = ?,"
                            + " subtotal_cents = ?, tax_cents = ?, total_cents = ?, placed_at = ?, updated_at = ?,"
                            + " placed_position = ?, version = ? WHERE order_id = ?"), placed.customerId(), items,
                    lines.size(), placed.subtotalCents(), placed.taxCents(), placed.totalCents(), at, at,
                    event.sourcePosition(), event.version(), placed.orderId());
            jdbc.update(t.sql("DELETE FROM {order_lines} WHERE order_id = ?"), placed.orderId());
        }
        for (int i = 0; i < lines.size(); i++) {
            OrderLine line = lines.get(i);
            jdbc.update(t.sql("INSERT INTO {order_lines} (order_id, line_no, sku, name, quantity, unit_price_cents,"
                            + " line_total_cents) VALUES (?, ?, ?, ?, ?, ?, ?)"), placed.orderId(), i, line.sku(),
                    line.name(), line.quantity(), line.unitPriceCents(), line.lineTotalCents());
        }
    }

    // ---------------------------------------------------------------- carts

    /** The version a row listed from its checkout has: before the order stream's first event (0). */
    static final long CHECKED_OUT_VERSION = -1;

    private void onCheckout(CartEvent decoded, IncomingEvent event, Tables t, JdbcTemplate jdbc) {
        if (!(decoded instanceof CartCheckedOut checkout)) {
            return;
        }
        if (checkout.orderId() == null || checkout.orderId().isBlank() || checkout.orderId().length() > 100
                || checkout.customerId() == null || checkout.lines() == null || checkout.lines().contains(null)) {
            // orders refuses such a checkout (MalformedMessage): no order comes of it
            throw new MalformedMessage("CartCheckedOut " + event.eventId() + " of " + event.streamId()
                    + " has no usable order id, customer or lines");
        }
        int known = jdbc.update(t.sql("UPDATE {order_history} SET checkout_position = ? WHERE order_id = ?"),
                event.sourcePosition(), checkout.orderId());
        if (known > 0) {
            return; // listed already (from OrderPlaced, or a copy of this checkout): nothing else to take
        }
        long at = event.timestamp().toEpochMilli();
        List<CheckedOutLine> lines = checkout.lines();
        int items = lines.stream().mapToInt(CheckedOutLine::quantity).sum();
        jdbc.update(t.sql("INSERT INTO {order_history} (order_id, customer_id, status, item_count, line_count,"
                        + " subtotal_cents, tax_cents, total_cents, placed_at, updated_at, checkout_position, version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), checkout.orderId(), checkout.customerId(),
                OrderStatus.PLACED.name(), items, lines.size(), checkout.subtotalCents(), checkout.taxCents(),
                checkout.totalCents(), at, at, event.sourcePosition(), CHECKED_OUT_VERSION);
        for (int i = 0; i < lines.size(); i++) {
            CheckedOutLine line = lines.get(i);
            jdbc.update(t.sql("INSERT INTO {order_lines} (order_id, line_no, sku, name, quantity, unit_price_cents,"
                            + " line_total_cents) VALUES (?, ?, ?, ?, ?, ?, ?)"), checkout.orderId(), i, line.sku(),
                    line.name() == null ? line.sku() : line.name(), line.quantity(), line.unitPriceCents(),
                    line.lineTotalCents());
        }
        add(jdbc, t.sql("{orders_by_status}"), "status", OrderStatus.PLACED.name(), "orders", 1);
    }

    /**
     * A sale is an order confirmed (stock reserved, payment authorized, capture under way), counted in
     * the hour of its {@code OrderConfirmed} event; cancelled later (refunded), it is taken back out of
     * that same hour. Revenue is the lines' total before tax.
     */
    private static void sale(String orderId, long confirmedAt, int sign, Tables t, JdbcTemplate jdbc) {
        record Line(String sku, int quantity, long total) {
        }
        List<Line> lines = jdbc.query(t.sql("SELECT sku, quantity, line_total_cents FROM {order_lines}"
                + " WHERE order_id = ? ORDER BY line_no"), (rs, n) -> new Line(rs.getString(1), rs.getInt(2),
                rs.getLong(3)), orderId);
        long units = 0;
        long revenue = 0;
        for (Line line : lines) {
            units += line.quantity();
            revenue += line.total();
            add(jdbc, t.sql("{sales_by_product}"), "sku", line.sku(), "orders", sign, "units",
                    (long) sign * line.quantity(), "revenue_cents", sign * line.total());
        }
        long hour = confirmedAt - Math.floorMod(confirmedAt, HOUR);
        add(jdbc, t.sql("{sales_by_hour}"), "hour_start", hour, "orders", sign, "units", sign * units,
                "revenue_cents", sign * revenue);
    }

    // ---------------------------------------------------------------- catalog and inventory

    private void onCatalog(CatalogEvent decoded, IncomingEvent event, Tables t, JdbcTemplate jdbc) {
        long version = event.version();
        switch (decoded) {
            case ProductAdded added -> {
                int updated = jdbc.update(t.sql("UPDATE {products} SET name = ?, description = ?, price_cents = ?,"
                                + " image_url = ?, discontinued = FALSE, version = ? WHERE sku = ? AND version < ?"),
                        added.name(), nonNull(added.description()), added.priceCents(), nonNull(added.imageUrl()),
                        version, added.sku(), version);
                if (updated == 0 && !exists(jdbc, t.sql("{products}"), added.sku())) {
                    jdbc.update(t.sql("INSERT INTO {products} (sku, name, description, price_cents, image_url,"
                                    + " discontinued, version) VALUES (?, ?, ?, ?, ?, FALSE, ?)"), added.sku(),
                            added.name(), nonNull(added.description()), added.priceCents(), nonNull(added.imageUrl()),
                            version);
                }
            }
            case ProductPriceChanged changed -> jdbc.update(t.sql("UPDATE {products} SET price_cents = ?, version = ?"
                    + " WHERE sku = ? AND version < ?"), changed.priceCents(), version, changed.sku(), version);
            case ProductDiscontinued discontinued -> jdbc.update(t.sql("UPDATE {products} SET discontinued = TRUE,"
                    + " version = ? WHERE sku = ? AND version < ?"), version, discontinued.sku(), version);
        }
    }

    private void onInventory(InventoryEvent decoded, IncomingEvent event, Tables t, JdbcTemplate jdbc) {
        switch (decoded) {
            case SkuEvent levels -> {
                // each sku event carries the levels after it: the highest stream version wins
                long version = event.version();
                int updated = jdbc.update(t.sql("UPDATE {stock} SET on_hand = ?, reserved = ?, version = ?"
                                + " WHERE sku = ? AND version < ?"), levels.onHand(), levels.reserved(), version,
                        levels.sku(), version);
                if (updated == 0 && !exists(jdbc, t.sql("{stock}"), levels.sku())) {
                    jdbc.update(t.sql("INSERT INTO {stock} (sku, on_hand, reserved, version) VALUES (?, ?, ?, ?)"),
                            levels.sku(), levels.onHand(), levels.reserved(), version);
                }
            }
            case ReservationEvent reservation -> {
                // answers to orders' commands; the levels arrive as sku events
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean exists(JdbcTemplate jdbc, String table, String sku) {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE sku = ?", Integer.class, sku);
        return count != null && count > 0;
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    /** Adds to counter columns of the row keyed {@code key} (creating it at zero first): column, delta, ... */
    private static void add(JdbcTemplate jdbc, String table, String keyColumn, Object key, Object... columnsAndDeltas) {
        StringBuilder set = new StringBuilder();
        Object[] args = new Object[columnsAndDeltas.length / 2 + 1];
        for (int i = 0; i < columnsAndDeltas.length; i += 2) {
            set.append(i == 0 ? "" : ", ").append(columnsAndDeltas[i]).append(" = ").append(columnsAndDeltas[i])
                    .append(" + ?");
            args[i / 2] = ((Number) columnsAndDeltas[i + 1]).longValue();
        }
        args[args.length - 1] = key;
        if (jdbc.update("UPDATE " + table + " SET " + set + " WHERE " + keyColumn + " = ?", args) == 0) {
            StringBuilder columns = new StringBuilder(keyColumn);
            StringBuilder marks = new StringBuilder("?");
            Object[] values = new Object[args.length];
            values[0] = key;
            for (int i = 0; i < columnsAndDeltas.length; i += 2) {
                columns.append(", ").append(columnsAndDeltas[i]);
                marks.append(", ?");
                values[i / 2 + 1] = args[i / 2];
            }
            jdbc.update("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")", values);
        }
    }
}
