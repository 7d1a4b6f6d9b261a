package eventshop.inventory.stock;

import eventshop.contracts.inventory.InventoryEvent;
import eventshop.contracts.inventory.InventoryEvent.ReceiptKind;
import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.Correlation;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.resources.EventLog;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.inventory.stock.StockLevels.Levels;
import eventshop.inventory.stock.domain.Stock;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/inventory}: a sku's levels (any caller with an edge token; a sku that never had stock
 * answers zeros, since the catalog may list a product before its first receipt), every sku's levels
 * (admin), and stock receipts (admin) for products the catalog knows (422 {@code unknown-product}
 * otherwise; 503 if the catalog cannot say). Receipts answer with the levels after them and a
 * {@code Consistency-Token}; queries that send it back wait until the read model shows the receipt.
 */
@RestController
@RequestMapping("/api/inventory")
class StockController {

    static final String SKU = "[A-Z0-9-]{1,40}";

    /**
     * A receipt of stock: 1..{@value Stock#MAX_RECEIPT} units; {@code kind} what brought them in (a delivery
     * when absent), {@code reference} the paperwork's number (none when absent).
     */
    record Receipt(@NotNull @Min(1) @Max(Stock.MAX_RECEIPT) Integer quantity, @Nullable ReceiptKind kind,
                   @Nullable @Size(max = Stock.MAX_REFERENCE) String reference) {

        InventoryEvent.Receipt toEvent() {
            return new InventoryEvent.Receipt(kind == null ? ReceiptKind.DELIVERY : kind,
                    reference == null ? "" : reference.strip());
        }
    }

    /** A page of levels, in sku order. */
    record LevelsPage(List<Levels> items, int page, int size, long total) {
    }

    private final Stocks stocks;
    private final Catalog catalog;
    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final CommandContexts commandContexts;
    private final EventLog eventLog;

    StockController(Stocks stocks, Catalog catalog, Projections projections, JdbcTemplate jdbc,
                    CommandContexts commandContexts, EventLog eventLog) {
        this.eventLog = eventLog;
        this.stocks = stocks;
        this.catalog = catalog;
        this.projections = projections;
        this.jdbc = jdbc;
        this.commandContexts = commandContexts;
    }

    /**
     * A sku's levels, linking itself; for an administrator also its events and {@code receive} (POST, a receipt
     * of stock, which a sku always takes).
     */
    @GetMapping("/{sku}")
    EntityModel<Levels> levels(@PathVariable @Pattern(regexp = SKU) String sku, EdgeUser user,
                               @Nullable ConsistencyToken consistencyToken) {
        return resource(projections.read(StockLevels.NAME, consistencyToken,
                tables -> StockLevels.find(jdbc, tables, sku)).orElse(Levels.of(sku, 0, 0)), user);
    }

    /**
     * The sku's event log (administrators), oldest first: its receipts, reservations, releases and shipments;
     * empty for a sku that never had stock (its levels are zeros, not unknown).
     */
    @GetMapping("/{sku}/events")
    @PreAuthorize("hasRole('ADMIN')")
    List<EventLog.Entry> events(@PathVariable @Pattern(regexp = SKU) String sku,
                                @RequestParam(defaultValue = "0") @Min(0) long fromVersion,
                                @RequestParam(defaultValue = "1000") @Min(1) @Max(EventLog.MAX_LIMIT) int limit) {
        return eventLog.read(Stock.streamId(sku), fromVersion, limit);
    }

    private static EntityModel<Levels> resource(Levels levels, EdgeUser user) {
        String self = Resource.path("/api/inventory/{sku}", levels.sku());
        Resource<Levels> resource = Resource.of(levels, self);
        if (user.hasRole(EdgeToken.ADMIN)) {
            resource.events(self + "/events").command("receive", self + "/receipts", true);
        }
        return resource.model();
    }

    @GetMapping
    @PreAuthorize("hasRole('ADMIN')")
    LevelsPage all(@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
                   @RequestParam(defaultValue = "100") @Min(1) @Max(500) int size,
                   @Nullable ConsistencyToken consistencyToken) {
        return projections.read(StockLevels.NAME, consistencyToken, tables -> new LevelsPage(
                StockLevels.page(jdbc, tables, page * size, size), page, size, StockLevels.count(jdbc, tables)));
    }

    @PostMapping("/{sku}/receipts")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<EntityModel<Levels>> receive(@PathVariable @Pattern(regexp = SKU) String sku,
                                   @Valid @RequestBody Receipt receipt, EdgeUser user,
                                   Correlation correlation) {
        if (!catalog.knows(sku)) {
            throw new UnknownProduct(sku);
        }
        CommandResult<SkuEvent> result = stocks.handle(new Stock.ReceiveStock(sku, receipt.quantity(), receipt.toEvent()),
                commandContexts.create(user.id(), correlation.id()));
        return ResponseEntity.ok()
                .header(ConsistencyToken.HEADER, result.token().toString())
                .body(resource(Levels.of(result.events().getLast()), user));
    }
}
