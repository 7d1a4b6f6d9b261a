package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.projection.ProjectionStatus.PartitionStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How one generation reads its source, for its {@link ProjectionRunner}: opened at the checkpoint
 * stored with the generation's rows, it hands out batches, applies a batch and advances the stored
 * checkpoint inside the runner's transaction, and tells how far the source goes.
 *
 * <p>Used by the runner's thread, except {@link #wake} and the status methods (any thread).
 *
 * @param <E> what the source delivers: the log's events, or the topics' records
 */
sealed interface Reader<E> permits LogReader, TopicReader {

    /** (Re)starts reading right after the generation's stored checkpoint, which it answers. */
    Checkpoint open();

    /**
     * Up to {@code max} consecutive events: waits a little for the first (less when woken), then takes
     * what is already there. Empty when nothing arrived.
     */
    List<E> next(int max) throws InterruptedException;

    /**
     * Applies {@code batch} to the generation's tables and advances the stored checkpoint from
     * {@code from} by compare-and-set; call inside the batch's transaction.
     *
     * @return the checkpoint after the batch (once committed)
     * @throws Generations.CheckpointMoved if the stored checkpoint is not at {@code from}
     */
    Checkpoint apply(List<E> batch, Checkpoint from);

    /**
     * After a batch's transaction committed ({@code applied}), or a round with nothing to apply: the
     * generation is at {@code checkpoint}; look at the source's head.
     */
    void settled(boolean applied, Checkpoint checkpoint);

    /** The checkpoint {@code batch} reaches from {@code from} (to retry one event at a time up to it after a failure). */
    Checkpoint through(List<E> batch, Checkpoint from);

    /** Where {@code batch} is, in words for an error ("at position 41", "in orders.events-2@7..9"). */
    String where(List<E> batch);

    /** The log position of the batch's first event, null for records of topics. */
    @Nullable Long failingPosition(List<E> batch);

    /** A batch failed: let go of what was read ahead ({@link #open} starts again from the stored checkpoint). */
    void abandon();

    /** Makes a waiting {@link #next} return soon. Any thread. */
    void wake();

    /** Stops reading for good. */
    void close();

    // ------------------------------------------------------------ what operators and readiness see (any thread)

    /** The source's head: the log's last position, or the records on the topics as last asked (-1 unknown). */
    long head();

    /** How far {@code checkpoint} is behind the head. */
    long lag(Checkpoint checkpoint);

    /** Every partition read, with its offsets, lag and source position (none for the log). */
    List<PartitionStatus> partitions(Checkpoint checkpoint);

    /** Records passed over as not the relay's events since this reader started. */
    long skipped();

    /**
     * How many events the source had when this generation started reading (the log's events, the
     * records on the topics): the target of its readiness and of a rebuild's progress; -1 while unknown.
     */
    long target();

    /** How many of the {@link #target} events {@code checkpoint} has applied. */
    long reached(Checkpoint checkpoint);

    /** Whether {@code checkpoint} has reached the {@link #target} (at least once the target is known). */
    boolean reachedTarget(Checkpoint checkpoint);

    /** Whether {@code checkpoint} has everything the source had when last asked (to switch in a rebuild with no runner to hand over). */
    boolean caughtUp(Checkpoint checkpoint);
}
