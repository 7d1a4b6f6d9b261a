package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.AppliedPosition;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.Waits;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.projection.ProjectionStatus.PartitionStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * How far the active generation of a {@link TopicProjection} reflects each source service's log, for
 * consistency tokens, by two measures that only move forward (across generation switches too), with
 * waits completed when they advance (nothing polls):
 * <ul>
 *   <li><b>per partition, exact</b> ({@link ConsumerProgress}, the read model's name as group): the
 *       highest source position applied from each partition of {@code <service>.events}. A token naming
 *       its stream is reached once the stream's partition has applied a record at the token's position
 *       or beyond: S's relay puts a stream's events on one partition in log order, and the partition is
 *       applied in offset order, so the token's event is in the read model, however late the other
 *       partitions are;</li>
 *   <li><b>per source, the whole-log estimate</b>: {@code min( max_p h(p), min over undrained p of h(p) )},
 *       h(p) the highest source position applied from partition p, "drained" meaning read up to the end
 *       offset asked of the broker after the batch. A partition with unread records holds the position
 *       at what it has applied (its next record may be the one a token waits for); a drained one holds
 *       nothing back, but the position never passes the highest position actually seen, so an event
 *       still on its way from S's relay is waited for. What it cannot see: S's relay having a later
 *       position acknowledged on one partition while an earlier one on another is still being retried;
 *       the estimate is then a moment early.</li>
 * </ul>
 * A token with a stream waits for both: its own event exactly, and what came before it in its
 * service's log as far as the estimate tells. A token without stream waits for the estimate only.
 * Thread-safe.
 */
final class TopicProgress implements ReadModelProgress {

    private final String name;
    private final Set<String> sources;
    private final Map<String, AppliedPosition> estimates = new HashMap<>();
    private final ConsumerProgress partitions;

    /** @param topics the read model's {@code <service>.events} topics */
    TopicProgress(String name, List<String> topics) {
        this.name = name;
        this.sources = topics.stream().map(TopicReader::sourceOf).collect(Collectors.toUnmodifiableSet());
        this.sources.forEach(source -> estimates.put(source, new AppliedPosition(-1)));
        Set<String> followed = Set.copyOf(topics);
        this.partitions = new ConsumerProgress(() -> followed);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean follows(String source) {
        return sources.contains(source);
    }

    @Override
    public CompletableFuture<Void> whenReached(ConsistencyToken token) {
        AppliedPosition estimate = estimates.get(token.source());
        if (estimate == null) {
            return new CompletableFuture<>();
        }
        if (token.stream() == null) {
            return estimate.whenReached(token.position());
        }
        List<CompletableFuture<Void>> both = new ArrayList<>();
        both.add(partitions.whenProcessed(token));
        both.add(estimate.whenReached(token.position()));
        return Waits.all(both);
    }

    @Override
    public String reached(ConsistencyToken token) {
        String estimate = "applied the log of " + token.source() + " up to about position " + applied(token.source());
        return token.stream() == null ? estimate : partitions.describe(token) + "; " + estimate;
    }

    /** The whole-log estimate of {@code source}, -1 if nothing applied. */
    long applied(String source) {
        AppliedPosition position = estimates.get(source);
        return position == null ? -1 : position.get();
    }

    /** Every source's whole-log estimate. */
    Map<String, Long> all() {
        Map<String, Long> all = new TreeMap<>();
        estimates.forEach((source, position) -> all.put(source, position.get()));
        return all;
    }

    /**
     * The active generation has applied each of {@code applied}'s partitions up to its source position,
     * and read those with {@code lag} 0 to the end offset asked after its last batch.
     */
    void publish(List<PartitionStatus> applied) {
        Map<String, List<PartitionStatus>> byTopic = new HashMap<>();
        applied.forEach(partition -> byTopic.computeIfAbsent(partition.topic(), t -> new ArrayList<>()).add(partition));
        byTopic.forEach((topic, list) -> {
            ConsumerProgress.Feed feed = partitions.feed(topic, name);
            feed.partitions(list.size());
            feed.assigned(list.stream().map(PartitionStatus::partition).toList());
            list.forEach(partition -> feed.processed(partition.partition(), partition.sourcePosition()));
        });
        Map<String, Long> highest = new HashMap<>();
        Map<String, Long> lowestUndrained = new HashMap<>();
        for (PartitionStatus partition : applied) {
            String source = TopicReader.sourceOf(partition.topic());
            highest.merge(source, partition.sourcePosition(), Math::max);
            if (partition.lag() == null || partition.lag() > 0) {
                lowestUndrained.merge(source, partition.sourcePosition(), Math::min);
            }
        }
        highest.forEach((source, max) -> {
            AppliedPosition estimate = estimates.get(source);
            if (estimate != null) {
                estimate.advance(Math.min(max, lowestUndrained.getOrDefault(source, Long.MAX_VALUE)));
            }
        });
    }
}
