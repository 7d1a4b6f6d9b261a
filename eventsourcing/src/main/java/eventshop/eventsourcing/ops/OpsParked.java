package eventshop.eventsourcing.ops;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import eventshop.eventsourcing.consuming.ParkedMessage;
import eventshop.eventsourcing.consuming.ParkedMessages;
import eventshop.eventsourcing.ops.OpsErrors.ActionNotPossible;
import eventshop.eventsourcing.ops.OpsErrors.NotFoundInOps;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.InvalidRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The operations console's parked messages (docs/operations.md, "Parked messages"), over {@link ParkedMessages}:
 * each dead-letter topic's counts and messages (payloads masked by {@link PersonalData}), and the actions, each
 * recorded by {@link OpsAudit} before it is taken: replay one ({@code replay}), discard one with a reason
 * ({@code discard}), replay a topic's pending messages as a job ({@code replay-all}) and stop a job
 * ({@code replay-all-stop}).
 *
 * <p><b>Jobs</b> run on a virtual thread each, a chunk at a time ({@link ParkedMessages#replayAll}); one job per
 * topic at a time. They live in this process's memory only (the running ones and the last {@value #KEPT_JOBS}
 * ended ones): a restart loses a job, not the messages, since each message's replay is claimed and noted in the
 * database as it happens; what it had not reached is still pending and can be replayed by a new job. Closing this
 * (with the context) stops running jobs after their chunk at hand.
 *
 * <p>Thread-safe.
 */
public final class OpsParked implements AutoCloseable {

    /** The chunk a job replays at a time unless told otherwise, and the largest it accepts. */
    public static final int DEFAULT_CHUNK = 50;
    public static final int MAX_CHUNK = 1000;

    static final int KEPT_JOBS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(OpsParked.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /**
     * A parked message as the console shows it: the message without its payload summary, and instead its whole
     * payload as JSON with personal fields masked ({@code data}, where {@code masked} lists them).
     */
    public record Message(@JsonUnwrapped @JsonIgnoreProperties("payload") ParkedMessage message, JsonNode data,
                          List<String> masked) {
    }

    /** One dead-letter topic: its counts and its newest messages, oldest first. */
    public record Topic(String topic, long pending, long replayed, long discarded, List<Message> messages) {
    }

    /** What an action did to a message. */
    public record Handled(String id, ParkedMessage.Status status, @Nullable Instant replayedAt,
                          @Nullable Instant discardedAt, @Nullable String discardReason, @Nullable String handledBy) {

        static Handled of(ParkedMessage message) {
            return new Handled(message.id(), message.status(), message.replayedAt(), message.discardedAt(),
                    message.discardReason(), message.handledBy());
        }
    }

    /** Where a replay-all job is. */
    public enum JobState { RUNNING, DONE, FAILED, STOPPED }

    /**
     * A replay-all job.
     *
     * @param upTo     the offset it stops below (null: every pending message)
     * @param total    the pending messages below {@code upTo} when it started
     * @param done     those it has dealt with: {@code replayed} plus {@code skipped} (handled by someone else
     *                 meanwhile, or not replayable)
     * @param error    why it failed, else null
     * @param by       who started it
     */
    public record Job(String id, String topic, @Nullable Long upTo, int chunk, long total, long done, long replayed,
                      long skipped, JobState state, @Nullable String error, String by, Instant startedAt,
                      @Nullable Instant endedAt) {
    }

    private final ParkedMessages parked;
    private final OpsAudit audit;
    private final PersonalData personalData;
    private final Clock clock;
    private final Map<String, Run> runningByTopic = new ConcurrentHashMap<>();
    private final Map<String, Run> jobs = new LinkedHashMap<>();
    private volatile boolean closed;

    public OpsParked(ParkedMessages parked, OpsAudit audit, PersonalData personalData, Clock clock) {
        this.parked = parked;
        this.audit = audit;
        this.personalData = personalData;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ reading

    /** Every dead-letter topic of the service with its counts and at most {@code limit} messages per partition. */
    public List<Topic> topics(int limit) {
        List<Topic> topics = new ArrayList<>();
        for (String topic : parked.topics()) {
            ParkedMessages.Counts counts = parked.counts(topic);
            List<Message> messages = parked.list(topic, limit, (message, payload) -> {
                PersonalData.Masked masked = personalData.mask(payload);
                return new Message(message, masked.json(), masked.masked());
            });
            topics.add(new Topic(topic, counts.pending(), counts.replayed(), counts.discarded(), messages));
        }
        return topics;
    }

    // ------------------------------------------------------------------ actions

    /** Replays one message, at most once ({@link ParkedMessages#replay}); audited ({@code replay}) before it is sent. */
    public Handled replay(@Nullable String id, EdgeUser user) {
        return Handled.of(parked.replay(id, who(user), () -> audit.record(user, "replay", id, "", null)));
    }

    /** Discards one message with a reason ({@link ParkedMessages#discard}); audited ({@code discard}, the reason). */
    public Handled discard(@Nullable String id, @Nullable String reason, EdgeUser user) {
        String why = ParkedMessages.checkReason(reason);
        return Handled.of(parked.discard(id, why, who(user), () -> audit.record(user, "discard", id, "", why)));
    }

    /**
     * Starts a job that replays the pending messages of {@code topic} below offset {@code upTo} (all without),
     * {@code chunk} records at a time; audited ({@code replay-all}) before it starts.
     *
     * @param chunk 1..{@value #MAX_CHUNK}, {@value #DEFAULT_CHUNK} if null
     * @throws InvalidRequest    (400) for a chunk out of range or a negative {@code upTo}
     * @throws NotFoundInOps     (404) if {@code topic} is not a dead-letter topic of the service
     * @throws ActionNotPossible (409) if a job is running for the topic
     */
    public Job replayAll(@Nullable String topic, @Nullable Long upTo, @Nullable Integer chunk, EdgeUser user) {
        int size = chunk == null ? DEFAULT_CHUNK : chunk;
        if (size < 1 || size > MAX_CHUNK) {
            throw new InvalidRequest("chunk must be 1.." + MAX_CHUNK + ", not " + size);
        }
        if (upTo != null && upTo < 0) {
            throw new InvalidRequest("upTo is an offset, 0 or more, not " + upTo);
        }
        if (topic == null || !parked.topics().contains(topic)) {
            throw new NotFoundInOps(topic + " is not a dead-letter topic of this service (they are " + parked.topics()
                    + ")");
        }
        if (closed) {
            throw new ActionNotPossible("the service is stopping; start the job again once it runs");
        }
        refuseIfRunning(topic);
        long stop = upTo == null ? Long.MAX_VALUE : upTo;
        long total = parked.counts(topic, stop).pending();
        audit.record(user, "replay-all", topic, (upTo == null ? "every pending message" : "below offset " + upTo)
                + ", " + total + " pending, chunks of " + size, null);
        Run run = new Run(UUID.randomUUID().toString(), topic, upTo, size, total, who(user), clock.instant());
        Run other = runningByTopic.putIfAbsent(topic, run);
        if (other != null) {
            throw running(other);
        }
        synchronized (jobs) {
            jobs.put(run.id, run);
        }
        Thread thread = Thread.ofVirtual().name("ops-replay-all-" + topic).unstarted(() -> execute(run, stop));
        run.thread = thread;
        Job started = run.snapshot();
        thread.start();
        return started;
    }

    /**
     * A job as it is now.
     *
     * @throws NotFoundInOps if this process knows no such job (ended long ago, or before a restart)
     */
    public Job job(String id) {
        return run(id).snapshot();
    }

    /**
     * Asks a running job to stop after the chunk at hand (audited, {@code replay-all-stop}); a job that has ended
     * is answered as it is.
     *
     * @throws NotFoundInOps if this process knows no such job
     */
    public Job stop(String id, EdgeUser user) {
        Run run = run(id);
        if (run.state == JobState.RUNNING) {
            audit.record(user, "replay-all-stop", run.topic, "job " + id, null);
            run.stopRequested = true;
        }
        return run.snapshot();
    }

    /** Stops running jobs after their chunk at hand, waiting a little for them. */
    @Override
    public void close() {
        closed = true;
        List<Run> running = List.copyOf(runningByTopic.values());
        running.forEach(run -> run.stopRequested = true);
        for (Run run : running) {
            Thread thread = run.thread;
            if (thread != null) {
                try {
                    if (!thread.join(CLOSE_WAIT)) {
                        LOG.warn("replay-all job {} of {} did not stop within {}", run.id, run.topic, CLOSE_WAIT);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ internals

    /** A job's mutable state, written by its thread and read by any. */
    private final class Run {
        final String id;
        final String topic;
        final @Nullable Long upTo;
        final int chunk;
        final long total;
        final String by;
        final Instant startedAt;
        volatile @Nullable Thread thread;
        volatile long replayed;
        volatile long skipped;
        volatile JobState state = JobState.RUNNING;
        volatile @Nullable String error;
        volatile @Nullable Instant endedAt;
        volatile boolean stopRequested;

        Run(String id, String topic, @Nullable Long upTo, int chunk, long total, String by, Instant startedAt) {
            this.id = id;
            this.topic = topic;
            this.upTo = upTo;
            this.chunk = chunk;
            this.total = total;
            this.by = by;
            this.startedAt = startedAt;
        }

        Job snapshot() {
            long replayedNow = replayed;
            long skippedNow = skipped;
            return new Job(id, topic, upTo, chunk, total, replayedNow + skippedNow, replayedNow, skippedNow, state,
                    error, by, startedAt, endedAt);
        }

        void end(JobState ended, @Nullable String why) {
            error = why;
            endedAt = clock.instant();
            state = ended;
        }
    }

    private void execute(Run run, long stop) {
        boolean[] stoppedEarly = {false};
        try {
            parked.replayAll(run.topic, stop, run.chunk, run.by, (replayed, skipped) -> {
                run.replayed += replayed.size();
                run.skipped += skipped;
                stoppedEarly[0] = run.stopRequested;
                return !run.stopRequested;
            });
            run.end(stoppedEarly[0] ? JobState.STOPPED : JobState.DONE, null);
        } catch (RuntimeException failed) {
            LOG.warn("replay-all job {} of {} failed after {} messages", run.id, run.topic, run.replayed, failed);
            run.end(JobState.FAILED, failed.getMessage());
        } finally {
            runningByTopic.remove(run.topic, run);
            forgetOldJobs();
        }
    }

    private void forgetOldJobs() {
        synchronized (jobs) {
            List<String> ended = jobs.values().stream().filter(run -> run.state != JobState.RUNNING)
                    .map(run -> run.id).toList();
            for (int i = 0; i < ended.size() - KEPT_JOBS; i++) {
                jobs.remove(ended.get(i));
            }
        }
    }

    private void refuseIfRunning(String topic) {
        Run other = runningByTopic.get(topic);
        if (other != null) {
            throw running(other);
        }
    }

    private static ActionNotPossible running(Run other) {
        return new ActionNotPossible("a replay-all job is running for " + other.topic + " (job " + other.id + ", "
                + other.snapshot().done() + " of " + other.total + " done); stop it or wait for it");
    }

    private Run run(String id) {
        Run run;
        synchronized (jobs) {
            run = jobs.get(id);
        }
        if (run == null) {
            throw new NotFoundInOps("no replay-all job " + id + " (jobs live in memory: a restart forgets them)");
        }
        return run;
    }

    /** How a message notes who handled it: the operator's e-mail, else their account id. */
    private static String who(EdgeUser user) {
        return user.email().isEmpty() ? user.id() : user.email();
    }
}
