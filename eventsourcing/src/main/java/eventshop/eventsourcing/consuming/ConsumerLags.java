package eventshop.eventsourcing.consuming;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * How far this service's consumer groups are behind their topics: per partition, the group's
 * committed offset against the partition's end, and the source position this instance has processed
 * there ({@link ConsumerProgress}). Read on demand with one admin client, created on the first call and kept
 * until {@link #close} (the operations console asks every few seconds).
 *
 * <p>Thread-safe.
 */
public final class ConsumerLags implements AutoCloseable {

    private final KeptAdmin admin;
    private final Supplier<Collection<Subscription>> subscriptions;
    private final @Nullable ConsumerProgress progress;

    /** A consumer binding's group and topic. */
    public record Subscription(String binding, String group, String topic) {
    }

    /**
     * One group on one topic.
     *
     * @param lag records not yet consumed, summed over the partitions
     */
    public record Lag(String binding, String group, String topic, long lag, List<PartitionLag> partitions) {
    }

    /**
     * @param committed the group's committed offset, or -1 if it has none (it then starts at the
     *                  beginning, so the lag counts from there)
     * @param processed the highest source position this instance knows processed on the partition
     *                  (what consistency tokens wait for, {@link ConsumerProgress}); -1 if none, or
     *                  not a {@code <service>.events} topic
     * @param assigned  whether the partition is assigned to this instance's consumer; null where this instance does not
     *                  follow it (topics other than {@code <service>.events}, whose progress is not tracked)
     */
    public record PartitionLag(int partition, long committed, long end, long lag, long processed,
                               @Nullable Boolean assigned) {
    }

    public ConsumerLags(Map<String, Object> clientConfig, Supplier<Collection<Subscription>> subscriptions) {
        this(clientConfig, subscriptions, null);
    }

    /** @param progress what the consumers processed, shown per partition; null for none */
    public ConsumerLags(Map<String, Object> clientConfig, Supplier<Collection<Subscription>> subscriptions,
                        @Nullable ConsumerProgress progress) {
        this.admin = new KeptAdmin(clientConfig, "eventshop-consumer-lag");
        this.subscriptions = subscriptions;
        this.progress = progress;
    }

    /** The lag of every consumer binding's group on its topic. */
    public List<Lag> lags() {
        Collection<Subscription> all = subscriptions.get();
        if (all.isEmpty()) {
            return List.of();
        }
        Admin admin = this.admin.get();
        List<String> topics = all.stream().map(Subscription::topic).distinct().toList();
        Map<String, TopicDescription> descriptions = get(admin.describeTopics(topics).allTopicNames());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        descriptions.values().forEach(description -> description.partitions().forEach(partition -> {
            TopicPartition tp = new TopicPartition(description.name(), partition.partition());
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = get(admin.listOffsets(latest).all());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = get(admin.listOffsets(earliest).all());
        List<Lag> lags = new ArrayList<>();
        for (Subscription subscription : all) {
            Map<TopicPartition, OffsetAndMetadata> committed = get(
                    admin.listConsumerGroupOffsets(subscription.group()).partitionsToOffsetAndMetadata());
            TopicDescription description = descriptions.get(subscription.topic());
            List<PartitionLag> partitions = new ArrayList<>();
            ConsumerProgress.Feed feed = progress == null || ConsumerProgress.sourceOf(subscription.topic()) == null
                    ? null : progress.feed(subscription.topic(), subscription.group());
            long total = 0;
            if (description != null) {
                for (var partition : description.partitions()) {
                    TopicPartition tp = new TopicPartition(subscription.topic(), partition.partition());
                    long end = ends.get(tp).offset();
                    OffsetAndMetadata offset = committed.get(tp);
                    long from = offset != null ? offset.offset() : starts.get(tp).offset();
                    long lag = Math.max(0, end - from);
                    total += lag;
                    partitions.add(new PartitionLag(partition.partition(), offset != null ? offset.offset() : -1,
                            end, lag, feed == null ? -1 : feed.processed(partition.partition()),
                            feed == null ? null : feed.isAssigned(partition.partition())));
                }
            }
            lags.add(new Lag(subscription.binding(), subscription.group(), subscription.topic(), total, partitions));
        }
        return lags;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(KeptAdmin.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading consumer lag", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read consumer lag: " + e, e);
        }
    }

    /** Closes the admin client. */
    @Override
    public void close() {
        admin.close();
    }
}
