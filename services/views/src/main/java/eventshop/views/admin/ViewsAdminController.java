package eventshop.views.admin;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Checkpoint;
import eventshop.eventsourcing.projection.ContentHash;
import eventshop.eventsourcing.projection.ProjectionStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.PartitionStatus;
import eventshop.eventsourcing.projection.Projections;
import eventshop.views.model.Views;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The views' operations and dashboards, for admins: {@code POST /api/views/rebuild} (blue/green, 202),
 * {@code GET /api/views/status}, {@code GET /api/views/hash} (compare replicas) and
 * {@code GET /api/views/dashboard}. Rebuild and status are the projection runtime's (as
 * {@code /actuator/projections/views} shows them), in the shape the views have always answered.
 */
@RestController
@PreAuthorize("hasRole('ADMIN')")
class ViewsAdminController {

    private final Projections projections;
    private final JdbcTemplate jdbc;

    ViewsAdminController(Projections projections, JdbcTemplate jdbc) {
        this.projections = projections;
        this.jdbc = jdbc;
    }

    /**
     * The views' state: the serving generation ({@code state} is its runner's: RUNNING, FAILED, FROZEN,
     * STOPPED), whether it has caught up since start, what tokens wait for per source, its partitions
     * (next offset, end offset, lag, source position), records it applied and passed over since start,
     * its last error, and a rebuild in progress ({@code applied} of {@code target}: records of the topics
     * as they were when it started).
     */
    record ViewsStatus(int generation, String state, boolean caughtUp, Map<String, Long> appliedBySource, long lag,
                       List<PartitionStatus> partitions, long records, long skipped, @Nullable String lastError,
                       @Nullable Instant lastErrorAt, @Nullable Rebuild rebuild) {

        static ViewsStatus of(ProjectionStatus status) {
            GenerationStatus serving = status.active();
            GenerationStatus building = status.rebuild();
            return new ViewsStatus(serving.generation(), serving.state().name(), status.ready(),
                    status.appliedBySource(), status.lag(), serving.partitions(), serving.processed(), serving.skipped(),
                    serving.lastError(), serving.lastErrorAt(), building == null ? null
                    : new Rebuild(building.generation(), building.state().name(), building.reached(),
                    Math.max(0, building.target()), building.progress(), building.partitions(), building.lastError()));
        }
    }

    /** A rebuild in progress: {@code progress} is the share of the end offsets measured at its start applied (0..1). */
    record Rebuild(int generation, String state, long applied, long target, double progress,
                   List<PartitionStatus> partitions, @Nullable String lastError) {
    }

    @PostMapping("/api/views/rebuild")
    @ResponseStatus(HttpStatus.ACCEPTED)
    ViewsStatus rebuild() {
        return ViewsStatus.of(projections.rebuild(Views.NAME));
    }

    @GetMapping("/api/views/status")
    ViewsStatus status() {
        return ViewsStatus.of(projections.status(Views.NAME));
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
        return projections.readAtBatchBoundary(Views.NAME, (tables, checkpoint) -> {
            Checkpoint.Topics read = (Checkpoint.Topics) checkpoint;
            Map<String, List<Long>> offsets = new LinkedHashMap<>();
            read.offsets().forEach((topic, partitions) -> offsets.put(topic, List.copyOf(partitions.values())));
            return new Hashes(tables.generation(), read.records(), offsets, ContentHash.byTable(jdbc, tables).asMap());
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
    Dashboard dashboard(@Nullable ConsistencyToken token) {
        return projections.read(Views.NAME, token, tables -> {
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
