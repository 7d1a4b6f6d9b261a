package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.decider.CommandHandler;
import java.util.Objects;

/**
 * An aggregate a service registers for the operations console's stream view and its time travel
 * ({@code GET /api/ops/<service>/streams/<stream id>?version=N}): the streams whose id starts with
 * {@code streamPrefix} are folded by {@code handler}'s decider and codec ({@link CommandHandler#foldAt}). A
 * service declares one bean of this type per aggregate, made where it builds the handler:
 * <pre>{@code
 * @Bean
 * OpsAggregate accountAggregate(CommandHandler<Account.Command, AccountEvent, Account.State> accountHandler) {
 *     return new OpsAggregate("account", Account.streamId(""), accountHandler);
 * }
 * }</pre>
 * Immutable.
 *
 * @param name         what the console calls the aggregate ({@code cart}, {@code order}); unique in a service
 * @param streamPrefix the start of its streams' ids ({@code cart-}); unique in a service
 * @param handler      the service's handler of these streams
 */
public record OpsAggregate(String name, String streamPrefix, CommandHandler<?, ?, ?> handler) {

    public OpsAggregate {
        Objects.requireNonNull(handler, "handler");
        if (name == null || name.isBlank() || streamPrefix == null || streamPrefix.isEmpty()) {
            throw new IllegalArgumentException("an aggregate needs a name and a stream prefix, was '" + name + "', '"
                    + streamPrefix + "'");
        }
    }

    /** Whether {@code streamId} is one of this aggregate's streams. */
    public boolean owns(String streamId) {
        return streamId.startsWith(streamPrefix);
    }
}
