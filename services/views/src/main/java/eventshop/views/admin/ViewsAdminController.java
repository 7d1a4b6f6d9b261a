package eventshop.views.admin;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.views.feed.ViewFeed;
import eventshop.views.model.ContentHash;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The views' operations and dashboards, for admins: {@code POST /api/views/rebuild} (blue/green, 202),
 * {@code GET /api/views/status}, {@code GET /api/views/hash} (compare replicas) and
 * {@code GET /api/views/dashboard}.
 */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class ViewsAdminController {

    private final ViewFeed feed;
    private final JdbcTemplate jdbc;

    ViewsAdminController(ViewFeed feed, JdbcTemplate jdbc) {
        this.feed = feed;
        this.jdbc = jdbc;
    }

    @PostMapping("/api/views/rebuild")
    @ResponseStatus(HttpStatus.ACCEPTED)
    ViewFeed.FeedStatus rebuild() {
        return feed.rebuild();
    }

    @GetMapping("/api/views/status")
    ViewFeed.FeedStatus status() {
        return feed.status();
    }

    /**
     * The content hashes at a batch boundary, with the offsets they reflect ({@code offsets}: topic ->
     * next offset per partition) and their sum ({@code records}): two replicas at the same offsets must
     * have the same hashes.
     */
    record Hashes(int generation, long records, Map<String, List<Long>> offsets, Map<String, String> views) {
    }

    @GetMapping("/api/views/hash")
    Hashes hash() {
        return feed.consistently((tables, committed) -> {
            Map<String, TreeMap<Integer, Long>> byTopic = new TreeMap<>();
            for (Map.Entry<TopicPartition, Long> entry : committed.entrySet()) {
                byTopic.computeIfAbsent(entry.getKey().topic(), topic -> new TreeMap<>())
                        .put(entry.getKey().partition(), entry.getValue());
            }
            Map<String, List<Long>> offsets = new LinkedHashMap<>();
            byTopic.forEach((topic, partitions) -> offsets.put(topic, List.copyOf(partitions.values())));
            long records = committed.values().stream().mapToLong(Long::longValue).sum();
            return new Hashes(tables.generation(), records, offsets, ContentHash.of(jdbc, tables));
        });
    }

    record ProductSales(String sku, @Nullable String name, long orders, long units, long revenueCents) {
    }

    record HourSales(Instant hour, long orders, long units, long revenueCents) {
    }

    record StockLevel(String sku, @Nullable String name, int onHand, int reserved, int available) {
    }

    /**
     * Sales are confirmed orders (OrderConfirmed: stock reserved, payment authorized), in the hour of the
     * confirmation event; an order cancelled after its confirmation (refunded) is taken back out. Revenue
     * is before tax. Orders by status and cancellations by reason count every order the views know.
     */
    record Dashboard(Map<String, Long> ordersByStatus, Map<String, Long> cancellationsByReason,
                     List<ProductSales> salesByProduct, List<HourSales> salesByHour, List<StockLevel> stock) {
    }

    @GetMapping("/api/views/dashboard")
    Dashboard dashboard(@RequestHeader(name = ConsistencyToken.HEADER, required = false) @Nullable String token) {
        return feed.read(token, tables -> {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            jdbc.query(tables.sql("SELECT status, orders FROM {orders_by_status} WHERE orders <> 0 ORDER BY status"),
                    rs -> {
                        byStatus.put(rs.getString(1), rs.getLong(2));
                    });
            Map<String, Long> byReason = new LinkedHashMap<>();
            jdbc.query(tables.sql("SELECT reason, orders FROM {cancellations_by_reason} WHERE orders <> 0"
                    + " ORDER BY reason"), rs -> {
                        byReason.put(rs.getString(1), rs.getLong(2));
                    });
            List<ProductSales> products = jdbc.query(tables.sql("SELECT s.sku, p.name, s.orders, s.units,"
                            + " s.revenue_cents FROM {sales_by_product} s LEFT JOIN {products} p ON p.sku = s.sku"
                            + " WHERE s.orders <> 0 ORDER BY s.revenue_cents DESC, s.sku"),
                    (rs, n) -> new ProductSales(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5)));
            List<HourSales> hours = jdbc.query(tables.sql("SELECT hour_start, orders, units, revenue_cents"
                            + " FROM {sales_by_hour} WHERE orders <> 0 ORDER BY hour_start"),
                    (rs, n) -> new HourSales(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2), rs.getLong(3),
                            rs.getLong(4)));
            List<StockLevel> stock = jdbc.query(tables.sql("SELECT s.sku, p.name, s.on_hand, s.reserved"
                            + " FROM {stock} s LEFT JOIN {products} p ON p.sku = s.sku ORDER BY s.sku"),
                    (rs, n) -> new StockLevel(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                            Math.max(0, rs.getInt(3) - rs.getInt(4))));
            return new Dashboard(byStatus, byReason, products, hours, stock);
        });
    }
}
