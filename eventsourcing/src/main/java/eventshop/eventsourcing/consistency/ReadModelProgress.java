package eventshop.eventsourcing.consistency;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How far a read model reflects the logs it is built from: what a consistency token waits for.
 *
 * <p>A projection of the service's own log applies that log in position order, so it has a token's
 * event once its applied position reaches the token's. A read model fed by a Kafka consumer of
 * another service's {@code <service>.events} knows, per partition, the highest source position it has
 * processed, and uses the token's stream to pick the partition (see
 * {@code eventshop.eventsourcing.consuming.ConsumerProgress}). A query that reads an aggregate's own
 * stream has every event of its service already ({@link #current}). A query that joins several
 * sources combines them ({@link #anyOf}); {@link ReadYourWrites} then accepts each source's tokens.
 *
 * <p>Implementations are thread-safe; what they report never goes backwards.
 */
public interface ReadModelProgress {

    /** The read model's name, as problems and logs show it. */
    String name();

    /** Whether this read model reflects the log of service {@code source} (else its tokens are a 400). */
    boolean follows(String source);

    /**
     * Completes once the read model reflects the event {@code token} names (at once if it already
     * does); {@code token}'s source is one this read model {@link #follows}. Cancelling the future
     * withdraws the wait. It completes exceptionally only with {@link InvalidConsistencyToken}, when
     * it turns out that this read model cannot honour such a token.
     *
     * @throws InvalidConsistencyToken if it can tell at once that it cannot honour such a token
     */
    CompletableFuture<Void> whenReached(ConsistencyToken token);

    /** Where the read model is, as to {@code token}, in words for a 503's detail ("applied up to position 41 of carts"). */
    String reached(ConsistencyToken token);

    /**
     * A read model that is always as new as the log of {@code source}: queries that fold the
     * service's own streams from its event store (an order, a cart), which every command of that
     * service has appended to before it answered.
     */
    static ReadModelProgress current(String name, String source) {
        return new ReadModelProgress() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean follows(String candidate) {
                return source.equals(candidate);
            }

            @Override
            public CompletableFuture<Void> whenReached(ConsistencyToken token) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public String reached(ConsistencyToken token) {
                return "read the log of " + source + " itself";
            }
        };
    }

    /**
     * A query over several read models: it follows each one's sources, and a token waits for the
     * first of {@code parts} that follows the token's source.
     */
    static ReadModelProgress anyOf(String name, ReadModelProgress... parts) {
        List<ReadModelProgress> all = List.copyOf(Arrays.asList(parts));
        return new ReadModelProgress() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean follows(String source) {
                return all.stream().anyMatch(part -> part.follows(source));
            }

            @Override
            public CompletableFuture<Void> whenReached(ConsistencyToken token) {
                return part(token).whenReached(token);
            }

            @Override
            public String reached(ConsistencyToken token) {
                return part(token).reached(token);
            }

            private ReadModelProgress part(ConsistencyToken token) {
                return all.stream().filter(part -> part.follows(token.source())).findFirst()
                        .orElseThrow(() -> new InvalidConsistencyToken(token.toString(), "read model '" + name
                                + "' does not follow the log of '" + token.source() + "'"));
            }
        };
    }
}
