package eventshop.eventsourcing.projection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What operators see of a read model ({@code /actuator/projections}), whichever its source: for a
 * {@link Projection} positions of the service's log, for a {@link TopicProjection} records of its
 * topics (the sums over their partitions, which {@link GenerationStatus#partitions} lists).
 *
 * @param name            the read model
 * @param state           RUNNING, REBUILDING (a new generation is being built), FAILED (the active
 *                        generation is stuck on an event; see its {@code lastError}), STOPPED, or STANDBY
 *                        (another instance of the service leads and runs it; this one reads its tables and
 *                        follows its checkpoint in the database)
 * @param ready           whether it has caught up with its source as it was when the service started (readiness)
 * @param head            the source's head now: the log's head position, or the records on the topics
 *                        as last asked of the broker (-1 while unknown)
 * @param lag             how far the active generation is behind {@code head}
 * @param appliedBySource what consistency tokens wait for, per source service: the log position applied
 *                        (for topics, the whole-log estimate, see {@link Projections#progress}); never goes back
 * @param active          the generation queries read
 * @param rebuild         the generation being rebuilt, if any
 */
public record ProjectionStatus(String name, State state, boolean ready, long head, long lag,
                               Map<String, Long> appliedBySource, GenerationStatus active,
                               @Nullable GenerationStatus rebuild) {

    public enum State { RUNNING, REBUILDING, FAILED, STOPPED, STANDBY }

    /**
     * RUNNING, FAILED (retrying with backoff), FROZEN (built by an older {@link ReadModel#version()}:
     * serves queries but no longer follows its source while its rebuild runs), STOPPED, or RETIRED
     * (replaced by a rebuild; its tables are dropped soon), STANDBY (run by the leading instance; this one
     * follows its checkpoint).
     */
    public enum RunnerState { RUNNING, FAILED, FROZEN, STOPPED, RETIRED, STANDBY }

    /**
     * One generation of a read model's tables.
     *
     * @param generation      1, 2, ...
     * @param tables          its physical table names
     * @param state           see {@link RunnerState}
     * @param checkpoint      {@link Checkpoint#applied()}: the last log position applied, or the records
     *                        read from the topics; -1 if none
     * @param lag             the source's head minus what it has applied
     * @param failures        consecutive failed attempts (0 when healthy)
     * @param lastError       the last failure while failing, else null
     * @param lastErrorAt     when that failure happened, else null
     * @param failingPosition the log position of the first event of the batch that failed (the event itself
     *                        once isolated), else null (and for topics, whose {@code lastError} names the record)
     * @param processed       events (records) this generation took from its source since this process
     *                        started it, those passed over included
     * @param skipped         records passed over since then, as not the relay's events (topics only)
     * @param target          how many events the source had when this process started the generation
     *                        (the log's events, the records on the topics); -1 while unknown
     * @param reached         how many of {@code target} it has applied
     * @param progress        {@code reached / target}, 0..1 (1 for an empty source, 0 while unknown): how
     *                        far a rebuild has come
     * @param partitions      per topic partition read (empty for the log)
     */
    public record GenerationStatus(int generation, List<String> tables, RunnerState state, long checkpoint, long lag,
                                   int failures, @Nullable String lastError, @Nullable Instant lastErrorAt,
                                   @Nullable Long failingPosition, long processed, long skipped, long target,
                                   long reached, double progress, List<PartitionStatus> partitions) {
    }

    /**
     * One partition a generation of a {@link TopicProjection} reads.
     *
     * @param offset         the next offset to read (what it has applied)
     * @param endOffset      the partition's end offset as last asked of the broker, null until asked
     * @param lag            {@code endOffset - offset}, null until asked
     * @param sourcePosition the highest source position applied from it, -1 for none
     */
    public record PartitionStatus(String topic, int partition, long offset, @Nullable Long endOffset,
                                  @Nullable Long lag, long sourcePosition) {
    }
}
