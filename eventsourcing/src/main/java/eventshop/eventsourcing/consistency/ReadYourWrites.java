package eventshop.eventsourcing.consistency;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Makes a query wait, bounded, until its read model reflects the event named by the request's
 * {@code Consistency-Token} header, so a client reads its own writes.
 *
 * <p>The wait parks the calling thread on a future that the read model completes when it commits
 * the event's effect; nothing polls. Thread-safe.
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
     * Returns once {@code readModel} reflects the token's event, or at once when there is no token
     * (null or blank header).
     *
     * @throws InvalidConsistencyToken if the header is not a token, names a service whose log this
     *                                 read model does not follow, or is a token it cannot honour (400)
     * @throws NotYetConsistent        if the read model did not get there within the maximum wait (503)
     */
    public void await(ReadModelProgress readModel, @Nullable String tokenHeader) {
        await(readModel, ConsistencyToken.fromHeader(tokenHeader));
    }

    /**
     * Returns once {@code readModel} reflects the token's event, or at once without a token (null).
     *
     * @throws InvalidConsistencyToken if the token names a service whose log this read model does not
     *                                 follow, or is one it cannot honour (400)
     * @throws NotYetConsistent        if the read model did not get there within the maximum wait (503)
     */
    public void await(ReadModelProgress readModel, @Nullable ConsistencyToken token) {
        if (token == null) {
            return;
        }
        if (!readModel.follows(token.source())) {
            throw new InvalidConsistencyToken(token.toString(), "read model '" + readModel.name()
                    + "' does not follow the log of '" + token.source() + "'");
        }
        long start = System.nanoTime();
        CompletableFuture<Void> reached = readModel.whenReached(token);
        try {
            reached.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof InvalidConsistencyToken invalid) {
                throw invalid;
            }
            throw notYet(readModel, token, start, reached);
        } catch (TimeoutException | CancellationException timedOut) {
            throw notYet(readModel, token, start, reached);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw notYet(readModel, token, start, reached);
        }
    }

    private static NotYetConsistent notYet(ReadModelProgress readModel, ConsistencyToken token, long start,
                                           CompletableFuture<Void> reached) {
        reached.cancel(false);
        return new NotYetConsistent(token, readModel.name(), readModel.reached(token),
                Duration.ofNanos(System.nanoTime() - start));
    }
}
