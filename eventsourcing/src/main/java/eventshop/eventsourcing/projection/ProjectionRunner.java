package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.AppliedPosition;
import eventshop.eventsourcing.projection.ProjectionStatus.RunnerState;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.RecordedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one generation of one projection on its own thread: subscribes to the log after the
 * generation's checkpoint and applies what arrives in batches, each batch and the new checkpoint
 * in one transaction.
 *
 * <p>On any failure (the projection throws, the database or the subscription fails, or another
 * runner moved the checkpoint) the transaction rolls back, the runner pauses with exponential
 * backoff and starts again from the checkpoint in the database, applying one event per transaction
 * until it is past the batch that failed, so a poison event is pinned to its position. It never
 * skips: a poison event keeps the runner {@link RunnerState#FAILED} until the cause is fixed.
 *
 * <p>Thread-safe: the runner thread owns the loop; other threads read its volatile state, and may
 * {@link #wake} or {@link #stop} it.
 */
final class ProjectionRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    /** How long an idle runner sleeps before it looks around again if nobody wakes it. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    private final Projections host;
    private final Projections.Slot slot;
    private final Projection projection;
    private final Tables tables;
    private final EventStore store;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Generations generations;
    private final ProjectionProperties settings;
    private final AppliedPosition progress;
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();

    private volatile boolean stopping;
    private volatile @Nullable Thread thread;
    private volatile @Nullable LogFeed feed;
    private volatile long checkpoint;
    private volatile RunnerState state = RunnerState.RUNNING;
    private volatile int failures;
    private volatile @Nullable String lastError;
    private volatile @Nullable Long failingPosition;

    ProjectionRunner(Projections host, Projections.Slot slot, Tables tables, long checkpoint, EventStore store,
                     JdbcTemplate jdbc, TransactionTemplate transactions, Generations generations,
                     ProjectionProperties settings) {
        this.host = host;
        this.slot = slot;
        this.projection = slot.projection;
        this.tables = tables;
        this.store = store;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.generations = generations;
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.progress = new AppliedPosition(checkpoint);
    }

    void start() {
        thread = Thread.ofPlatform().name("projection-" + projection.name() + "-g" + tables.generation()).daemon(true)
                .start(this);
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
                    projection.name(), tables.generation(), timeout);
            return false;
        }
        return true;
    }

    /** Makes an idle runner look around now (for example, to hand over to a caught-up rebuild). */
    void wake() {
        LogFeed current = feed;
        if (current != null) {
            current.wake();
        }
    }

    Projections.Slot slot() {
        return slot;
    }

    Tables tables() {
        return tables;
    }

    long checkpoint() {
        return checkpoint;
    }

    RunnerState state() {
        return state;
    }

    int failures() {
        return failures;
    }

    @Nullable String lastError() {
        return lastError;
    }

    @Nullable Long failingPosition() {
        return failingPosition;
    }

    CompletableFuture<Void> stopSignal() {
        return stopSignal;
    }

    /**
     * Waits until this runner has applied {@code position}, at most {@code timeout}, and no longer
     * than until {@code abandon} completes.
     */
    boolean awaitCheckpoint(long position, Duration timeout, CompletableFuture<Void> abandon) {
        CompletableFuture<Void> reached = progress.whenReached(position);
        try {
            CompletableFuture.anyOf(reached, abandon).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException notReached) {
            // fall through: answered by the checkpoint below
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            reached.cancel(false);
        }
        return checkpoint >= position;
    }

    @Override
    public void run() {
        long failedThrough = -1;
        try {
            while (!stopping) {
                List<RecordedEvent> batch = List.of();
                LogFeed subscription = null;
                try {
                    checkpoint = generations.appliedPosition(projection.name(), tables.generation());
                    progress.advance(checkpoint);
                    subscription = new LogFeed(store, checkpoint + 1, 2 * settings.batchSize()).open();
                    feed = subscription;
                    while (!stopping) {
                        if (host.handOver(this)) {
                            state = RunnerState.RETIRED;
                            return;
                        }
                        batch = subscription.next(checkpoint < failedThrough ? 1 : settings.batchSize(), IDLE_WAIT);
                        if (!batch.isEmpty()) {
                            applyInOneTransaction(batch);
                            if (failures > 0 && checkpoint >= failedThrough) {
                                recovered();
                            }
                        }
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
                        failedThrough = Math.max(failedThrough, batch.getLast().position());
                    }
                    failed(batch, failure);
                    if (host.handOver(this)) {
                        state = RunnerState.RETIRED;
                        return;
                    }
                    pause(backoff());
                } finally {
                    feed = null;
                    if (subscription != null) {
                        subscription.close();
                    }
                }
            }
        } finally {
            if (state != RunnerState.RETIRED) {
                state = RunnerState.STOPPED;
            }
        }
    }

    private void applyInOneTransaction(List<RecordedEvent> batch) {
        long from = checkpoint;
        long first = batch.getFirst().position();
        long last = batch.getLast().position();
        if (first != from + 1 || last - first + 1 != batch.size()) {
            throw new IllegalStateException("the log delivered positions " + first + ".." + last + " (" + batch.size()
                    + " events) after checkpoint " + from + "; expected consecutive positions from " + (from + 1));
        }
        transactions.executeWithoutResult(status -> {
            projection.applyAll(batch, tables, jdbc);
            generations.advance(projection.name(), tables.generation(), from, last);
        });
        checkpoint = last;
        progress.advance(last);
    }

    private void failed(List<RecordedEvent> batch, Throwable failure) {
        failures++;
        String where = batch.isEmpty() ? "after position " + checkpoint
                : batch.size() == 1 ? "at position " + batch.getFirst().position()
                : "in positions " + batch.getFirst().position() + ".." + batch.getLast().position();
        failingPosition = batch.isEmpty() ? null : batch.getFirst().position();
        lastError = failure.getClass().getName() + " " + where + ": " + failure.getMessage();
        state = RunnerState.FAILED;
        Duration pause = backoff();
        if (failures == 1 || batch.size() == 1 && failures == 2) {
            LOG.error("projection '{}' generation {} failed {} (rolled back; retrying in {}, never skipping)",
                    projection.name(), tables.generation(), where, pause, failure);
        } else {
            LOG.warn("projection '{}' generation {} failed {} again ({} failures; retrying in {}): {}",
                    projection.name(), tables.generation(), where, failures, pause, failure.toString());
        }
    }

    private void recovered() {
        LOG.info("projection '{}' generation {} recovered after {} failures; applied up to position {}",
                projection.name(), tables.generation(), failures, checkpoint);
        failures = 0;
        lastError = null;
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
        return "runner of " + tables + " at " + checkpoint + " (" + state + ")";
    }
}
