package eventshop.eventsourcing.consistency;

import java.util.concurrent.CompletableFuture;

/**
 * How far a read model has applied the logs it follows: what a consistency token waits for.
 *
 * <p>A projection of the service's own log follows one source, the service itself. A read model
 * fed from other services' events (the views service) follows several and implements this
 * interface itself, keeping one applied position per source; {@link ReadYourWrites} then accepts
 * tokens from each of them.
 *
 * <p>Implementations are thread-safe; the applied position of a source never goes backwards.
 */
public interface ReadModelProgress {

    /** The read model's name, as problems and logs show it. */
    String name();

    /** Whether this read model applies the log of service {@code source}. */
    boolean follows(String source);

    /** The highest position of {@code source}'s log this read model has applied, -1 if none. */
    long applied(String source);

    /**
     * Completes once {@code applied(source) >= position} (at once if it already is). Cancelling
     * the future withdraws the wait. Never completes exceptionally.
     */
    CompletableFuture<Void> whenApplied(String source, long position);
}
