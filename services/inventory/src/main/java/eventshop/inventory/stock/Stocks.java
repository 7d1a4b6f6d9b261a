package eventshop.inventory.stock;

import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.eventsourcing.decider.CommandContext;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import eventshop.inventory.stock.domain.Stock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The sku streams: runs {@link Stock} commands against {@code stock-<sku>}. Conflicting writers
 * are decided again (many times: the last units of a popular sku are where concurrent reservations
 * meet), and the state is snapshotted every {@value #SNAPSHOT_EVERY} events so loading stays short
 * however long the stream grows. Thread-safe.
 */
@Component
public class Stocks {

    static final int SNAPSHOT_EVERY = 100;
    private static final int MAX_ATTEMPTS = 100;

    private final CommandHandler<Stock.Command, SkuEvent, Stock.State> handler;

    /**
     * @param snapshotEvery a snapshot of a sku's stock every this many events ({@code eventshop.inventory.snapshot-every},
     *                      {@value #SNAPSHOT_EVERY} by default; 0 for none)
     */
    public Stocks(EventStore store, Clock clock, Supplier<UUID> ids,
                  @Value("${eventshop.service-name:inventory}") String serviceName,
                  @Value("${eventshop.inventory.snapshot-every:" + SNAPSHOT_EVERY + "}") int snapshotEvery,
                  MeterRegistry registry) {
        this.handler = CommandHandler.builder(serviceName, store, Stock.DECIDER, JsonEventCodec.of(SkuEvent.class))
                .clock(clock)
                .ids(ids)
                .maxAttempts(MAX_ATTEMPTS)
                // versioned JSON of every phase (issue 18); the snapshots of type "Stocked" written before are
                // ignored, and replaced by the first load of their sku
                .snapshotting(snapshotEvery > 0
                        ? CommandHandler.Snapshotting.json("stock", 1, Stock.State.class, snapshotEvery) : null)
                .meterRegistry(registry)
                .build();
    }

    /** A sku's stock, for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("stock", Stock.streamId(""), handler);
    }

    /** Decides {@code command} on its sku's stream and appends the outcome. */
    public CommandResult<SkuEvent> handle(Stock.Command command, CommandContext context) {
        return handler.handle(Stock.streamId(command.sku()), command, context);
    }

    /** The current state of a sku (folded from its stream). */
    public Stock.State state(String sku) {
        return handler.load(Stock.streamId(sku)).state();
    }
}
