package eventshop.eventsourcing.projection;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What operators see of a projection ({@code /actuator/projections}).
 *
 * @param name    the projection
 * @param state   RUNNING, REBUILDING (a new generation is being built), FAILED (the active
 *                generation is stuck on an event; see its {@code lastError}) or STOPPED
 * @param ready   whether it has caught up with the log head seen when the service started (readiness)
 * @param head    the log's head position now
 * @param lag     {@code head} minus the active generation's checkpoint
 * @param active  the generation queries read
 * @param rebuild the generation being rebuilt, if any
 */
public record ProjectionStatus(String name, State state, boolean ready, long head, long lag, GenerationStatus active,
                               @Nullable GenerationStatus rebuild) {

    public enum State { RUNNING, REBUILDING, FAILED, STOPPED }

    /**
     * RUNNING, FAILED (retrying with backoff), FROZEN (built by an older {@link Projection#version()}:
     * serves queries but no longer follows the log while its rebuild runs), STOPPED, or RETIRED
     * (replaced by a rebuild; its tables are dropped soon).
     */
    public enum RunnerState { RUNNING, FAILED, FROZEN, STOPPED, RETIRED }

    /**
     * One generation of a projection's tables.
     *
     * @param generation      1, 2, ...
     * @param tables          its physical table names
     * @param state           see {@link RunnerState}
     * @param checkpoint      the last log position applied to its tables, -1 if none
     * @param lag             the log head minus {@code checkpoint}
     * @param failures        consecutive failed attempts (0 when healthy)
     * @param lastError       the last failure while failing, else null
     * @param failingPosition the first position of the batch that failed (the event itself once
     *                        isolated), else null
     */
    public record GenerationStatus(int generation, List<String> tables, RunnerState state, long checkpoint, long lag,
                                   int failures, @Nullable String lastError, @Nullable Long failingPosition) {
    }
}
