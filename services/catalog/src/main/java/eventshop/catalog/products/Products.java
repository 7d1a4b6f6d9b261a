package eventshop.catalog.products;

import eventshop.catalog.products.domain.Product;
import eventshop.contracts.catalog.CatalogEvent;
import eventshop.eventsourcing.config.EventSourcingProperties;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventsourcing.decider.CommandResult;
import eventshop.eventsourcing.decider.JsonEventCodec;
import eventshop.eventsourcing.ops.OpsAggregate;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** The catalog's products: handles product commands against their streams ({@code product-<sku>}). */
@Component
public class Products {

    public static final JsonEventCodec<CatalogEvent> CODEC = JsonEventCodec.of(CatalogEvent.class);

    private final CommandHandler<Product.Command, CatalogEvent, Product.State> handler;
    private final CommandContexts contexts;

    Products(EventStore store, EventSourcingProperties properties, Clock clock, CommandContexts contexts) {
        this.handler = CommandHandler.builder(properties.serviceName(), store, Product.DECIDER, CODEC)
                .clock(clock).build();
        this.contexts = contexts;
    }

    /** The product aggregate, for the operations console's stream view and its time travel. */
    public OpsAggregate opsAggregate() {
        return new OpsAggregate("product", Product.streamId(""), handler);
    }

    /**
     * Decides {@code command} against its product's stream and appends what it decided.
     *
     * @param actingUser    who issues the command (account id)
     * @param correlationId the caller's conversation, or null to start one
     * @throws eventshop.eventsourcing.decider.DomainError when the product's rules refuse it; nothing is stored
     */
    public CommandResult<CatalogEvent> handle(Product.Command command, String actingUser, String correlationId) {
        return handler.handle(Product.streamId(command.sku()), command, contexts.create(actingUser, correlationId));
    }

    /** The events of the product {@code sku}, oldest first: as new as the last command (empty if it was never added). */
    public List<CatalogEvent> events(String sku) {
        return handler.events(Product.streamId(sku)).collectList().block();
    }
}
