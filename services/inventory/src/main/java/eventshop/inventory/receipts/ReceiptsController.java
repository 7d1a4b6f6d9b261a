package eventshop.inventory.receipts;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.projection.Projections;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/inventory/{sku}/receipts} (admin): the sku's goods-in book, oldest first; empty for a sku
 * that never had stock. A receipt's {@code Consistency-Token} waits for it.
 */
@RestController
@RequestMapping("/api/inventory")
class ReceiptsController {

    /** A sku's receipts. */
    record Receipts(String sku, List<StockReceipts.Line> receipts) {
    }

    private final Projections projections;
    private final JdbcTemplate jdbc;

    ReceiptsController(Projections projections, JdbcTemplate jdbc) {
        this.projections = projections;
        this.jdbc = jdbc;
    }

    @GetMapping("/{sku}/receipts")
    @PreAuthorize("hasRole('ADMIN')")
    Receipts receipts(@PathVariable @Pattern(regexp = "[A-Z0-9-]{1,40}") String sku,
                      @Nullable ConsistencyToken consistencyToken) {
        return new Receipts(sku, projections.read(StockReceipts.NAME, consistencyToken,
                tables -> StockReceipts.of(jdbc, tables, sku)));
    }
}
