package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.ReadModelProgress;
import java.time.Instant;
import java.util.Map;

/**
 * Where one read model's events come from, as the runtime sees it: how a generation reads them
 * ({@link Reader}), how its stored checkpoint looks, and what consistency tokens wait for. One per read
 * model; its generations share it. Thread-safe.
 */
sealed interface Source permits LogSource, TopicSource {

    /** A reader for a generation's runner (opened by the runner). */
    Reader<?> reader(Tables tables);

    /** The checkpoint stored for a generation, as the registry row {@code appliedPosition} and the offsets tell. */
    Checkpoint stored(int generation, long appliedPosition);

    /** What queries with a consistency token wait for: the active generation's progress, never going back. */
    ReadModelProgress progress();

    /** The active generation is at {@code checkpoint} (after a batch, or idle): tokens it reached are answered. */
    void published(ProjectionRunner<?> active);

    /**
     * The active generation is at {@code checkpoint}, as stored in the registry (at start, and on a standby
     * each time it reads the leader's registry): tokens it reached are answered.
     */
    void followed(Checkpoint checkpoint);

    /**
     * On a standby, after each read of the leader's registry: the active generation is at {@code checkpoint};
     * publish it to tokens as the leader's runner would. Called by one thread (the standby's follower).
     */
    default void followedOnStandby(Checkpoint checkpoint) {
        followed(checkpoint);
    }

    /** The standby stops following (it leads, or stops): let go of what following held. On the follower's thread. */
    default void stopFollowing() {
    }

    /** The source's head, comparable with {@link Checkpoint#applied()}, if known without asking a broker; else -1. */
    long head();

    /** What tokens wait for, per source service. */
    Map<String, Long> appliedBySource();

    /** How many events the source has now: what a rebuild replays. */
    long events();

    /** How many events the source had at {@code at} (by the events' or records' timestamps). */
    long eventsAt(Instant at);
}
