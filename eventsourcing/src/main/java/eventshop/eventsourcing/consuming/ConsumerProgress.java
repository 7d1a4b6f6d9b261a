package eventshop.eventsourcing.consuming;

import eventshop.eventsourcing.consistency.AppliedPosition;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.Waits;
import eventshop.eventsourcing.relay.EventHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far this service's consumers have processed other services' events, for consistency tokens of
 * those services: per consumer group and partition of a {@code <service>.events} topic, the highest
 * source position (header {@code source-position}) of a record processed. A record counts once its
 * consumer has returned from it, so after its effect has committed; every record counts, also those a
 * consumer passes over, and one parked in the dead-letter topic after its retries.
 *
 * <p><b>The rule.</b> A token {@code S:N@stream} is reached when every consumer group of this service
 * that reads {@code S.events} has processed a record with source position {@code >= N} on the
 * partition the stream maps to ({@link EventHeaders#partition}). That is exact: S's relay keys every
 * record by its stream and hands the records to Kafka in log-position order, so on one partition the
 * first copy of each event arrives in position order; a record at position {@code >= N} on the
 * stream's partition is the first copy of event N, a later event, or a later copy of one, and the
 * consumer processes a partition in offset order. Duplicates from a relay that resumed carry older
 * positions and never move the position back.
 *
 * <p>A token without stream is honoured exactly when the topic has one partition (the partition is
 * the whole log); with more it cannot be, and is refused ({@link InvalidConsistencyToken}, 400).
 * While the topic's partition count is not known yet (before the consumer's first assignment), a
 * wait waits for it.
 *
 * <p><b>Partitions of other instances.</b> With several instances of the service in one group, a
 * partition assigned to another instance does not advance here. Given the {@link StoredPositions} of
 * the database the instances share ({@link #readStored}: the source positions {@link ConsumerOffsets}
 * writes with each group's offsets, after the effects they cover have committed), a wait for such a
 * partition also reads what the owning instance has stored: one query for all such waits, every poll
 * interval, only while one is pending (a single instance owns every partition and never polls). A
 * stored position is one that instance has processed, so this is exactly as precise as the partitions
 * processed here, only later by up to the owner's flush interval. Without stored positions such a wait
 * runs out (503), and says so.
 *
 * <p>What it does not promise: a record parked in the dead-letter topic counts as processed, so the
 * read then shows the state without its effect (the parked message is in {@code /actuator/parked}).
 *
 * <p>Fed by {@link ConsumerProgressTracking} for Spring Cloud Stream bindings, or directly by a
 * service's own consumer (the views' feed). Thread-safe.
 */
public final class ConsumerProgress {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerProgress.class);

    private final Supplier<? extends Collection<String>> consumedTopics;
    /** topic -> consumer group -> feed */
    private final Map<String, Map<String, Feed>> feeds = new ConcurrentHashMap<>();
    private volatile @Nullable StoredReads stored;

    /** A partition of a topic as read by a consumer group. */
    public record GroupPartition(String group, String topic, int partition) {
    }

    /**
     * Where the instances of a service that share consumer groups store how far each group has processed
     * each partition: their database. Implementations may block and may throw (the next poll asks again).
     */
    @FunctionalInterface
    public interface StoredPositions {

        /**
         * The highest source position stored as processed for each of {@code partitions}, absent where none
         * is stored; one round trip for all.
         */
        Map<GroupPartition, Long> read(Collection<GroupPartition> partitions);
    }

    /**
     * @param consumedTopics the topics this service's consumers read, as configured (read models
     *                       accept tokens only of sources whose topic is among them)
     */
    public ConsumerProgress(Supplier<? extends Collection<String>> consumedTopics) {
        this.consumedTopics = consumedTopics;
    }

    /**
     * Waits for partitions not assigned to this instance also read {@code positions}: while any such wait
     * is pending, every {@code pollInterval} (see the class comment). Call once, before the first wait.
     */
    public void readStored(StoredPositions positions, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        this.stored = new StoredReads(positions, pollInterval);
    }

    /** Whether it is polling the stored positions now, for waits on partitions of other instances (tests, ops). */
    public boolean pollingStored() {
        StoredReads reads = stored;
        return reads != null && reads.running.get();
    }

    /** The topic service {@code source} publishes its events on. */
    public static String topicOf(String source) {
        return source + ".events";
    }

    /** The service publishing {@code topic} if it is a {@code <service>.events} topic, else null. */
    public static @Nullable String sourceOf(String topic) {
        return topic.endsWith(".events") && topic.length() > ".events".length()
                ? topic.substring(0, topic.length() - ".events".length()) : null;
    }

    /** The progress of consumer group {@code group} on {@code topic} (created on first use). */
    public Feed feed(String topic, String group) {
        return feeds.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(group, g -> new Feed(this, topic, g));
    }

    /** Whether this service's consumers read {@code source}'s events. */
    public boolean consumes(String source) {
        return consumedTopics.get().contains(topicOf(source));
    }

    /**
     * Completes once every consumer group reading the token source's topic has processed the token's
     * event (see the class comment); cancelling it withdraws the waits. Without any such group yet
     * it waits for none to come: it completes only when cancelled.
     *
     * @throws InvalidConsistencyToken if the token names no stream and the topic has several partitions
     */
    public CompletableFuture<Void> whenProcessed(ConsistencyToken token) {
        List<Feed> groups = groups(token.source());
        if (groups.isEmpty()) {
            return new CompletableFuture<>();
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Feed feed : groups) {
            parts.add(feed.whenProcessed(token));
        }
        return Waits.all(parts);
    }

    /** Where the consumers are as to {@code token}, in words. */
    public String describe(ConsistencyToken token) {
        List<Feed> groups = groups(token.source());
        if (groups.isEmpty()) {
            return "no consumer of " + topicOf(token.source()) + " has started yet";
        }
        return groups.stream().map(feed -> feed.describe(token)).collect(Collectors.joining("; "));
    }

    /**
     * A read model fed by this service's consumers of the events of {@code sources} (each of which
     * its consumers must read, else its tokens are refused): the progress {@link
     * eventshop.eventsourcing.consistency.ReadYourWrites} waits on.
     */
    public ReadModelProgress readModel(String name, String... sources) {
        Set<String> followed = Set.of(sources);
        return new ReadModelProgress() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean follows(String source) {
                return followed.contains(source) && consumes(source);
            }

            @Override
            public CompletableFuture<Void> whenReached(ConsistencyToken token) {
                return whenProcessed(token);
            }

            @Override
            public String reached(ConsistencyToken token) {
                return describe(token);
            }
        };
    }

    /** Every feed's processed positions, for operators: topic -> group -> partition -> position. */
    public Map<String, Map<String, Map<Integer, Long>>> positions() {
        Map<String, Map<String, Map<Integer, Long>>> all = new TreeMap<>();
        feeds.forEach((topic, groups) -> groups.forEach((group, feed) ->
                all.computeIfAbsent(topic, t -> new TreeMap<>()).put(group, feed.positions())));
        return all;
    }

    /** The partitions not assigned here that a wait is pending on. */
    private List<GroupPartition> waitedForElsewhere() {
        List<GroupPartition> wanted = new ArrayList<>();
        feeds.values().forEach(groups -> groups.values().forEach(feed -> feed.positions.forEach((partition, position) -> {
            if (!feed.assigned.contains(partition) && position.waiting() > 0) {
                wanted.add(new GroupPartition(feed.group, feed.topic, partition));
            }
        })));
        return wanted;
    }

    private void wakeStoredReads() {
        StoredReads reads = stored;
        if (reads != null) {
            reads.wake();
        }
    }

    /**
     * Polls the stored positions while waits for partitions of other instances are pending, on a virtual
     * thread that ends when none is (and starts again with the next such wait).
     */
    private final class StoredReads {

        private final StoredPositions positions;
        private final Duration interval;
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile boolean failing;

        StoredReads(StoredPositions positions, Duration interval) {
            this.positions = positions;
            this.interval = interval;
        }

        /** Called after a wait for a partition not assigned here was registered. */
        void wake() {
            if (running.compareAndSet(false, true)) {
                Thread.ofVirtual().name("consumer-progress-stored").start(this::run);
            }
        }

        private void run() {
            try {
                while (true) {
                    List<GroupPartition> wanted = waitedForElsewhere();
                    if (wanted.isEmpty()) {
                        running.set(false);
                        // a wait registered after the look above woke nobody (the flag was still up): look again
                        if (waitedForElsewhere().isEmpty() || !running.compareAndSet(false, true)) {
                            return;
                        }
                        continue;
                    }
                    readOnce(wanted);
                    Thread.sleep(interval);
                }
            } catch (InterruptedException interrupted) {
                running.set(false);
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error unexpected) {
                running.set(false);
                throw unexpected;
            }
        }

        private void readOnce(List<GroupPartition> wanted) {
            Map<GroupPartition, Long> read;
            try {
                read = positions.read(wanted);
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("could not read the stored consumer positions of {} (trying again every {}): {}", wanted,
                            interval, e.toString());
                }
                failing = true;
                return;
            }
            failing = false;
            read.forEach((partition, position) -> {
                if (position >= 0) {
                    feed(partition.topic(), partition.group()).processed(partition.partition(), position);
                }
            });
        }
    }

    private List<Feed> groups(String source) {
        Map<String, Feed> groups = feeds.get(topicOf(source));
        return groups == null ? List.of() : List.copyOf(groups.values());
    }

    /**
     * One consumer group's progress on one topic: per partition the highest source position
     * processed, the partition count (0 while unknown), and which partitions are assigned here.
     */
    public static final class Feed {

        private record Pending(ConsistencyToken token, CompletableFuture<Void> result) {
        }

        private final ConsumerProgress owner;
        private final String topic;
        private final String group;
        private final Map<Integer, AppliedPosition> positions = new ConcurrentHashMap<>();
        private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
        /** Waits that came before the partition count was known; guarded by {@code this}. */
        private final List<Pending> pending = new ArrayList<>();
        private volatile int partitions;

        private Feed(ConsumerProgress owner, String topic, String group) {
            this.owner = owner;
            this.topic = topic;
            this.group = group;
        }

        public String topic() {
            return topic;
        }

        public String group() {
            return group;
        }

        /** How many partitions the topic has (0 while unknown). */
        public int partitions() {
            return partitions;
        }

        /** The topic has {@code count} partitions: answers the waits that needed to know. */
        public void partitions(int count) {
            if (count < 1) {
                return;
            }
            List<Pending> ready;
            synchronized (this) {
                if (count == partitions) {
                    return;
                }
                partitions = count;
                ready = List.copyOf(pending);
                pending.clear();
            }
            for (Pending wait : ready) {
                if (!wait.result().isDone()) {
                    try {
                        forward(attach(wait.token(), count), wait.result());
                    } catch (InvalidConsistencyToken invalid) {
                        wait.result().completeExceptionally(invalid);
                    }
                }
            }
        }

        /** A record at {@code sourcePosition} of partition {@code partition} was processed (or is known to be). */
        public void processed(int partition, long sourcePosition) {
            position(partition).advance(sourcePosition);
        }

        /** The highest source position processed on {@code partition}, -1 if none is known. */
        public long processed(int partition) {
            AppliedPosition position = positions.get(partition);
            return position == null ? -1 : position.get();
        }

        /** These partitions were assigned to this instance's consumer. */
        public void assigned(Collection<Integer> partitions) {
            assigned.addAll(partitions);
        }

        /** These partitions were taken from this instance's consumer (rebalance, or lost). */
        public void revoked(Collection<Integer> partitions) {
            assigned.removeAll(partitions);
            if (partitions.stream().map(positions::get).anyMatch(position -> position != null && position.waiting() > 0)) {
                owner.wakeStoredReads(); // their waits now depend on the instance that gets them
            }
        }

        public boolean isAssigned(int partition) {
            return assigned.contains(partition);
        }

        /** Processed positions by partition. */
        public Map<Integer, Long> positions() {
            Map<Integer, Long> all = new TreeMap<>();
            positions.forEach((partition, position) -> all.put(partition, position.get()));
            return all;
        }

        /** How many waits are pending on this feed (for tests and ops). */
        public int waiting() {
            synchronized (this) {
                return pending.size() + positions.values().stream().mapToInt(AppliedPosition::waiting).sum();
            }
        }

        CompletableFuture<Void> whenProcessed(ConsistencyToken token) {
            int count = partitions;
            if (count > 0) {
                return attach(token, count);
            }
            CompletableFuture<Void> result = new CompletableFuture<>();
            Pending wait = new Pending(token, result);
            synchronized (this) {
                if (partitions == 0) {
                    pending.add(wait);
                    result.whenComplete((ignored, error) -> {
                        synchronized (this) {
                            pending.remove(wait);
                        }
                    });
                    return result;
                }
            }
            return attach(token, partitions);
        }

        String describe(ConsistencyToken token) {
            int count = partitions;
            if (count == 0) {
                return "group " + group + " has not been assigned any partition of " + topic + " yet";
            }
            if (token.stream() == null && count > 1) {
                return "group " + group + " reads " + count + " partitions of " + topic;
            }
            int partition = partitionOf(token, count);
            return "group " + group + " processed up to position " + processed(partition) + " of "
                    + token.source() + " on partition " + partition + " of " + topic
                    + (assigned.contains(partition) ? "" : ", which is not assigned to this instance"
                    + (owner.stored == null ? "" : " (as its instance last stored it in the database)"));
        }

        private CompletableFuture<Void> attach(ConsistencyToken token, int count) {
            int partition = partitionOf(token, count);
            CompletableFuture<Void> reached = position(partition).whenReached(token.position());
            if (!reached.isDone() && !assigned.contains(partition)) {
                owner.wakeStoredReads();
            }
            return reached;
        }

        private int partitionOf(ConsistencyToken token, int count) {
            if (token.stream() != null) {
                return EventHeaders.partition(token.stream(), count);
            }
            if (count == 1) {
                return 0;
            }
            throw new InvalidConsistencyToken(token.toString(), "it names no stream, and " + topic + " has "
                    + count + " partitions: send the token of the command's response as it came");
        }

        private AppliedPosition position(int partition) {
            return positions.computeIfAbsent(partition, p -> new AppliedPosition(-1));
        }

        private static void forward(CompletableFuture<Void> inner, CompletableFuture<Void> outer) {
            inner.whenComplete((ignored, error) -> {
                if (error == null) {
                    outer.complete(null);
                } else {
                    outer.completeExceptionally(error);
                }
            });
            outer.whenComplete((ignored, error) -> {
                if (outer.isCancelled()) {
                    inner.cancel(false);
                }
            });
        }
    }
}
