package eventshop.views.model;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Address;
import eventshop.contracts.carts.CartEvent.CartCheckedOut;
import eventshop.contracts.carts.CartEvent.CheckedOutLine;
import eventshop.contracts.orders.CancellationReason;
import eventshop.contracts.orders.OrderEvent.OrderCancelled;
import eventshop.contracts.orders.OrderEvent.OrderConfirmed;
import eventshop.contracts.orders.OrderEvent.OrderPaymentAuthorized;
import eventshop.contracts.orders.OrderEvent.OrderPlaced;
import eventshop.contracts.orders.OrderEvent.OrderStockReserved;
import eventshop.contracts.orders.OrderLine;
import eventshop.contracts.orders.OrderStatus;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.projection.ContentHash;
import eventshop.eventsourcing.projection.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * An order's row from carts' {@code CartCheckedOut} and orders' events, without Kafka: whichever of
 * the two topics the views read first, and with copies arriving again, the views hold the same content.
 */
class OrderRowsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Address ADDRESS = new Address("Ada", "1 Loop St", "", "Springfield", "12345", "US");
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    private final JdbcTemplate jdbc = jdbc();
    private final ViewUpdater updater = new ViewUpdater();
    private final Views views = new Views(List.of("carts.events", "orders.events"));
    private int generations;

    private static JdbcTemplate jdbc() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:order-rows-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new JdbcTemplate(dataSource);
    }

    private record Applied(String source, IncomingEvent event) {
    }

    private static Applied event(String source, String stream, long version, long position, Object data, int minute) {
        return new Applied(source, new IncomingEvent(UUID.nameUUIDFromBytes((stream + version).getBytes()),
                data.getClass().getSimpleName(), stream, version, position, source, "", "", "",
                T0.plusSeconds(60L * minute), 1, Map.of(), JSON.writeValueAsBytes(data)));
    }

    /** One order's events: its checkout (carts), then orders' placement and saga up to confirmed, cancelled after the sale. */
    private static List<Applied> order(String customer, String orderId, long checkoutPosition, long firstOrderPosition) {
        List<OrderLine> lines = List.of(new OrderLine("SKU-1", "One", 2, 500, 1000), new OrderLine("SKU-2", "Two", 1, 250, 250));
        List<CheckedOutLine> checkedOut = lines.stream().map(line -> new CheckedOutLine(line.sku(), line.name(),
                line.quantity(), line.unitPriceCents(), line.lineTotalCents())).toList();
        String stream = "order-" + orderId;
        long p = firstOrderPosition;
        return List.of(
                event("carts", "cart-" + customer, 3, checkoutPosition, new CartCheckedOut(customer, orderId,
                        customer + "@example.com", checkedOut, 1250, 75, 1325, ADDRESS, "tok"), 0),
                event("orders", stream, 0, p, new OrderPlaced(orderId, customer, customer + "@example.com", lines,
                        1250, 75, 1325, ADDRESS, "tok"), 1),
                event("orders", stream, 1, p + 1, new OrderStockReserved(orderId), 2),
                event("orders", stream, 2, p + 2, new OrderPaymentAuthorized(orderId, 1325), 3),
                event("orders", stream, 3, p + 3, new OrderConfirmed(orderId, customer), 4),
                event("orders", stream, 4, p + 4, new OrderCancelled(orderId, customer,
                        CancellationReason.CUSTOMER_CANCELLED, "changed mind", OrderStatus.CONFIRMED), 5));
    }

    /** Applies {@code events} in this order to a new generation's tables; answers their content hashes. */
    private Map<String, String> views(List<Applied> events) {
        Tables tables = Tables.of(views, ++generations);
        ViewSchema.create(jdbc, tables);
        for (Applied applied : events) {
            updater.apply(applied.source(), applied.event(), tables, jdbc);
        }
        return ContentHash.byTable(jdbc, tables).asMap();
    }

    /** Every order of {@code ordersEvents} with {@code checkout} put at index {@code at}. */
    private static List<Applied> withCheckoutAt(List<Applied> all, int at) {
        List<Applied> orders = new ArrayList<>(all.subList(1, all.size()));
        orders.add(at, all.getFirst());
        return orders;
    }

    @Test
    void theCheckoutFirst_orAnywhereAmongTheOrdersEvents_givesTheSameViews() {
        List<Applied> events = order("ada", "o-1", 40, 100);
        Map<String, String> expected = views(events);

        for (int at = 1; at < events.size(); at++) {
            assertThat(views(withCheckoutAt(events, at))).as("checkout read after %d of orders' events", at)
                    .isEqualTo(expected);
        }
    }

    @Test
    void copiesArrivingAgain_changeNothing() {
        List<Applied> events = order("bob", "o-2", 41, 200);
        Map<String, String> expected = views(events);
        List<Applied> withCopies = new ArrayList<>(events);
        withCopies.add(3, events.get(0));
        withCopies.add(5, events.get(1));
        withCopies.add(events.get(0));
        withCopies.add(events.get(2));

        assertThat(views(withCopies)).isEqualTo(expected);
    }

    @Test
    void theCheckoutAlone_listsTheOrderPlaced_withItsLinesAndTotals_andCountsIt() {
        List<Applied> events = order("cy", "o-3", 42, 300);
        Tables tables = Tables.of(views, ++generations);
        ViewSchema.create(jdbc, tables);

        updater.apply("carts", events.getFirst().event(), tables, jdbc);

        Map<String, Object> row = jdbc.queryForMap(tables.sql("SELECT customer_id, status, item_count, line_count,"
                + " total_cents, checkout_position, placed_position, version FROM {order_history} WHERE order_id = 'o-3'"));
        assertThat(row).containsEntry("CUSTOMER_ID", "cy").containsEntry("STATUS", "PLACED")
                .containsEntry("ITEM_COUNT", 3).containsEntry("LINE_COUNT", 2).containsEntry("TOTAL_CENTS", 1325L)
                .containsEntry("CHECKOUT_POSITION", 42L).containsEntry("VERSION", -1L);
        assertThat(row.get("PLACED_POSITION")).isNull();
        assertThat(jdbc.queryForObject(tables.sql("SELECT COUNT(*) FROM {order_lines} WHERE order_id = 'o-3'"),
                Integer.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject(tables.sql("SELECT orders FROM {orders_by_status} WHERE status = 'PLACED'"),
                Long.class)).isEqualTo(1);
    }

    @Test
    void whereTheCheckoutAndThePlacementDisagree_thePlacementWins_whateverCameFirst() {
        List<Applied> events = new ArrayList<>(order("dee", "o-4", 43, 400).subList(0, 2));
        CartCheckedOut differing = new CartCheckedOut("dee", "o-4", "dee@example.com",
                List.of(new CheckedOutLine("SKU-9", "Nine", 9, 1, 9)), 9, 1, 10, ADDRESS, "tok");
        events.set(0, event("carts", "cart-dee", 3, 43, differing, 0));

        Map<String, String> checkoutFirst = views(events);
        Map<String, String> placementFirst = views(List.of(events.get(1), events.get(0)));

        assertThat(placementFirst).isEqualTo(checkoutFirst);
    }
}
