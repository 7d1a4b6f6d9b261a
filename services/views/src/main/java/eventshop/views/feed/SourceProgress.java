package eventshop.views.feed;

import eventshop.eventsourcing.consistency.AppliedPosition;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.consistency.ReadModelProgress;
import eventshop.eventsourcing.consistency.Waits;
import eventshop.eventsourcing.consuming.ConsumerProgress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * How far the serving generation of the views reflects each source service's log, for consistency
 * tokens, by two measures that only move forward (across generation switches too), with waits
 * completed when they advance (nothing polls):
 * <ul>
 *   <li><b>per partition, exact</b> ({@link ConsumerProgress}, group {@code views}): the highest source
 *       position applied from each partition of {@code <service>.events}. A token naming its stream is
 *       reached once the stream's partition has applied a record at the token's position or beyond:
 *       then the token's event is in the views, however late the other partitions are;</li>
 *   <li><b>per source, the whole-log estimate</b> {@link FeedRunner} computes (see its Javadoc): every
 *       event of the source up to the position that is on the broker has been applied, but for one rare
 *       race across partitions.</li>
 * </ul>
 * A token with a stream waits for both: its own event exactly, and what came before it in its
 * service's log as far as the estimate tells (what the views promised before tokens named streams).
 * A token without stream waits for the estimate only. Thread-safe.
 */
public final class SourceProgress implements ReadModelProgress {

    /** The consumer group the views' per-partition progress is kept under. */
    static final String GROUP = "views";

    private final Set<String> sources;
    private final Map<String, AppliedPosition> positions = new ConcurrentHashMap<>();
    private final ConsumerProgress partitions;

    public SourceProgress(Set<String> sources) {
        this.sources = Set.copyOf(sources);
        this.sources.forEach(source -> positions.put(source, new AppliedPosition(-1)));
        Set<String> topics = this.sources.stream().map(ConsumerProgress::topicOf).collect(Collectors.toSet());
        this.partitions = new ConsumerProgress(() -> topics);
    }

    @Override
    public String name() {
        return "views";
    }

    @Override
    public boolean follows(String source) {
        return sources.contains(source);
    }

    @Override
    public CompletableFuture<Void> whenReached(ConsistencyToken token) {
        AppliedPosition estimate = positions.get(token.source());
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
    public long applied(String source) {
        AppliedPosition position = positions.get(source);
        return position == null ? -1 : position.get();
    }

    /** Every source's whole-log estimate. */
    public Map<String, Long> all() {
        Map<String, Long> all = new TreeMap<>();
        positions.forEach((source, position) -> all.put(source, position.get()));
        return all;
    }

    /** Moves {@code source}'s estimate to {@code to} if that is further, completing the waits it reaches. */
    public void advance(String source, long to) {
        AppliedPosition position = positions.get(source);
        if (position != null) {
            position.advance(to);
        }
    }

    /** The serving generation has applied each of {@code applied}'s partitions up to its source position. */
    void applied(List<FeedRunner.PartitionStatus> applied) {
        Map<String, List<FeedRunner.PartitionStatus>> byTopic = new HashMap<>();
        applied.forEach(partition -> byTopic.computeIfAbsent(partition.topic(), t -> new ArrayList<>()).add(partition));
        byTopic.forEach((topic, list) -> {
            ConsumerProgress.Feed feed = partitions.feed(topic, GROUP);
            feed.partitions(list.size());
            feed.assigned(list.stream().map(FeedRunner.PartitionStatus::partition).toList());
            list.forEach(partition -> feed.processed(partition.partition(), partition.sourcePosition()));
        });
    }
}
