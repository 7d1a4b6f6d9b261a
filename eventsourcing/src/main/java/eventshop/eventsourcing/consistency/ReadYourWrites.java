package eventshop.eventsourcing.consistency;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Makes a query wait, bounded, until its read model has applied the position named by the
 * request's {@code Consistency-Token} header, so a client reads its own writes.
 *
 * <p>The wait parks the calling thread on a future that the read model completes when it commits
 * the position; nothing polls. Thread-safe.
 */
public final class ReadYourWrites {

    private final Duration maxWait;

    /** @param maxWait how long a query waits at most before {@link NotYetConsistent} (503) */
    public ReadYourWrites(Duration maxWait) {
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        this.maxWait = maxWait;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /**
     * Returns once {@code readModel} has applied the token's position, or at once when there is no
     * token (null or blank header).
     *
     * @throws InvalidConsistencyToken if the header is not a token, or names a service whose log
     *                                 this read model does not follow (400)
     * @throws NotYetConsistent        if the position was not applied within the maximum wait (503)
     */
    public void await(ReadModelProgress readModel, @Nullable String tokenHeader) {
        if (tokenHeader == null || tokenHeader.isBlank()) {
            return;
        }
        ConsistencyToken token = ConsistencyToken.parse(tokenHeader);
        if (!readModel.follows(token.source())) {
            throw new InvalidConsistencyToken(tokenHeader, "read model '" + readModel.name()
                    + "' does not follow the log of '" + token.source() + "'");
        }
        if (readModel.applied(token.source()) >= token.position()) {
            return;
        }
        long start = System.nanoTime();
        CompletableFuture<Void> applied = readModel.whenApplied(token.source(), token.position());
        try {
            applied.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | CancellationException | ExecutionException timedOut) {
            throw notYet(readModel, token, start, applied);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw notYet(readModel, token, start, applied);
        }
    }

    private static NotYetConsistent notYet(ReadModelProgress readModel, ConsistencyToken token, long start,
                                           CompletableFuture<Void> applied) {
        applied.cancel(false);
        return new NotYetConsistent(token, readModel.name(), readModel.applied(token.source()),
                Duration.ofNanos(System.nanoTime() - start));
    }
}
