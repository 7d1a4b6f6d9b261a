package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.projection.ProjectionStatus.GenerationStatus;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one generation of one read model on its own thread: reads its source after the generation's
 * checkpoint ({@link Reader}) and applies what arrives in batches, each batch and the new checkpoint
 * in one transaction.
 *
 * <p>On any failure (the read model throws, the database or the source fails, or another runner
 * moved the checkpoint) the transaction rolls back, the runner pauses with exponential backoff and
 * starts again from the checkpoint in the database, applying one event per transaction until it is
 * past the batch that failed, so a poison event is pinned to its place. It never skips: a poison
 * event keeps the runner {@link RunnerState#FAILED} until the cause is fixed.
 *
 * <p>Thread-safe: the runner thread owns the loop; other threads read its volatile state, and may
 * {@link #wake} or {@link #stop} it.
 *
 * @param <E> what its source delivers
 */
final class ProjectionRunner<E> implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    private final Projections host;
    private final Projections.Slot slot;
    private final Tables tables;
    private final Reader<E> reader;
    private final TransactionTemplate transactions;
    private final ProjectionProperties settings;
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();

    private volatile boolean stopping;
    private volatile @Nullable Thread thread;
    private volatile Checkpoint checkpoint;
    /** Completed (and replaced) at every commit: what {@link #awaitCheckpoint} waits on. */
    private volatile CompletableFuture<Void> nextCommit = new CompletableFuture<>();
    private volatile RunnerState state = RunnerState.RUNNING;
    private volatile int failures;
    private volatile @Nullable String lastError;
    private volatile @Nullable Instant lastErrorAt;
    private volatile @Nullable Long failingPosition;
    private volatile long processed;

    ProjectionRunner(Projections host, Projections.Slot slot, Tables tables, Checkpoint checkpoint, Reader<E> reader,
                     TransactionTemplate transactions, ProjectionProperties settings) {
        this.host = host;
        this.slot = slot;
        this.tables = tables;
        this.reader = reader;
        this.transactions = transactions;
        this.settings = settings;
        this.checkpoint = checkpoint;
    }

    void start() {
        thread = Thread.ofPlatform().name("projection-" + slot.model.name() + "-g" + tables.generation())
                .daemon(true).start(this);
    }

    /** Asks the runner to stop after the batch it is applying; see {@link #awaitStop}. */
    void requestStop() {
        stopping = true;
        stopSignal.complete(null);
        wake();
    }

    /** Waits for the runner thread to end; false if it did not within {@code timeout}. */
    boolean awaitStop(Duration timeout) {
        Thread running = thread;
        if (running == null || running == Thread.currentThread()) {
            return true;
        }
        try {
            running.join(timeout);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            LOG.warn("projection '{}' generation {} did not stop within {}; it is still applying a batch",
                    slot.model.name(), tables.generation(), timeout);
            return false;
        }
        return true;
    }

    /** Makes an idle runner look around now (for example, to hand over to a caught-up rebuild). */
    void wake() {
        reader.wake();
    }

    Projections.Slot slot() {
        return slot;
    }

    Tables tables() {
        return tables;
    }

    Reader<E> reader() {
        return reader;
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    RunnerState state() {
        return state;
    }

    CompletableFuture<Void> stopSignal() {
        return stopSignal;
    }

    /** Whether it has applied what its source had when it started (readiness). */
    boolean reachedTarget() {
        return reader.reachedTarget(checkpoint);
    }

    GenerationStatus status() {
        Checkpoint at = checkpoint;
        long target = reader.target();
        long reached = reader.reached(at);
        double progress = target < 0 ? 0 : target == 0 ? 1 : Math.min(1.0, (double) reached / target);
        return new GenerationStatus(tables.generation(), List.copyOf(tables.physicalNames()), state, at.applied(),
                reader.lag(at), failures, lastError, lastErrorAt, failingPosition, processed, reader.skipped(), target,
                reached, progress, reader.partitions(at));
    }

    /**
     * Waits until this runner has applied everything {@code target} has, at most {@code timeout}, and
     * no longer than until {@code abandon} completes.
     */
    boolean awaitCheckpoint(Checkpoint target, Duration timeout, CompletableFuture<Void> abandon) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<Void> commit = nextCommit;
            if (checkpoint.covers(target)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || abandon.isDone()) {
                return false;
            }
            try {
                CompletableFuture.anyOf(commit, abandon).get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException notReached) {
                // answered by the checkpoint above
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return checkpoint.covers(target);
            }
        }
    }

    @Override
    public void run() {
        Checkpoint failedThrough = null;
        try {
            while (!stopping) {
                List<E> batch = List.of();
                try {
                    checkpoint = reader.open();
                    host.progressed(this);
                    while (!stopping) {
                        if (host.handOver(this)) {
                            state = RunnerState.RETIRED;
                            return;
                        }
                        boolean isolating = failedThrough != null && !checkpoint.covers(failedThrough);
                        batch = reader.next(isolating ? 1 : settings.batchSize());
                        if (!batch.isEmpty()) {
                            applyInOneTransaction(batch);
                            processed += batch.size();
                            if (failures > 0 && (failedThrough == null || checkpoint.covers(failedThrough))) {
                                recovered();
                            }
                        }
                        reader.settled(!batch.isEmpty(), checkpoint);
                        batch = List.of();
                        host.progressed(this);
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException | Error failure) {
                    if (stopping) {
                        return;
                    }
                    if (!batch.isEmpty()) {
                        Checkpoint reaches = reader.through(batch, checkpoint);
                        failedThrough = failedThrough == null || reaches.covers(failedThrough) ? reaches : failedThrough;
                    }
                    reader.abandon();
                    failed(batch, failure);
                    if (host.handOver(this)) {
                        state = RunnerState.RETIRED;
                        return;
                    }
                    pause(backoff());
                }
            }
        } finally {
            reader.close();
            if (state != RunnerState.RETIRED) {
                state = RunnerState.STOPPED;
            }
        }
    }

    private void applyInOneTransaction(List<E> batch) {
        Checkpoint from = checkpoint;
        Lock lock = slot.batches.readLock();
        lock.lock();
        try {
            Checkpoint to = transactions.execute(status -> reader.apply(batch, from));
            if (to == null) {
                throw new IllegalStateException("the batch's transaction answered no checkpoint");
            }
            checkpoint = to;
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> committed = nextCommit;
        nextCommit = new CompletableFuture<>();
        committed.complete(null);
    }

    private void failed(List<E> batch, Throwable failure) {
        failures++;
        String where = batch.isEmpty() ? "after " + describe(checkpoint) : reader.where(batch);
        failingPosition = batch.isEmpty() ? null : reader.failingPosition(batch);
        lastError = failure.getClass().getName() + " " + where + ": " + failure.getMessage();
        lastErrorAt = Instant.now();
        state = RunnerState.FAILED;
        Duration pause = backoff();
        if (failure instanceof eventshop.eventsourcing.leadership.NotLeading notLeading) {
            LOG.info("projection '{}' generation {} rolled back a batch {}: {}", slot.model.name(), tables.generation(),
                    where, notLeading.getMessage());
        } else if (failures == 1 || batch.size() == 1 && failures == 2) {
            LOG.error("projection '{}' generation {} failed {} (rolled back; retrying in {}, never skipping)",
                    slot.model.name(), tables.generation(), where, pause, failure);
        } else {
            LOG.warn("projection '{}' generation {} failed {} again ({} failures; retrying in {}): {}",
                    slot.model.name(), tables.generation(), where, failures, pause, failure.toString());
        }
    }

    private static String describe(Checkpoint checkpoint) {
        return switch (checkpoint) {
            case Checkpoint.Log log -> "position " + log.position();
            case Checkpoint.Topics topics -> "offsets " + topics.offsets();
        };
    }

    private void recovered() {
        LOG.info("projection '{}' generation {} recovered after {} failures; applied up to {}", slot.model.name(),
                tables.generation(), failures, describe(checkpoint));
        failures = 0;
        lastError = null;
        lastErrorAt = null;
        failingPosition = null;
        state = RunnerState.RUNNING;
    }

    private Duration backoff() {
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        Duration pause = settings.retryInitial().multipliedBy(1L << doublings);
        return pause.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : pause;
    }

    /** Sleeps for {@code duration}, or until asked to stop. */
    private void pause(Duration duration) {
        try {
            stopSignal.get(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException expected) {
            // the pause is over
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    @Override
    public String toString() {
        return "runner of " + tables + " at " + describe(checkpoint) + " (" + state + ")";
    }
}
