package eventshop.eventsourcing.consuming;

import eventshop.eventsourcing.relay.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.StringUtils;

/**
 * Feeds {@link ConsumerProgress} from the service's Spring Cloud Stream Kafka consumer bindings of
 * {@code <service>.events} topics: the binder hands every listener container it creates to this
 * customizer, which
 * <ul>
 *   <li>adds a {@link RecordInterceptor} whose {@code success} (called after the listener returned,
 *       so after the effect committed; also for a record passed over, or parked after its retries)
 *       records the record's {@code source-position} for its partition;</li>
 *   <li>wraps the container's rebalance listener (keeping the binder's): on assignment it learns the
 *       topic's partition count and the assigned partitions, and <b>seeds</b> each partition from the
 *       position it resumes from (the group's committed offset, or its database's offset): the records
 *       just before it were processed (by this group, maybe by
 *       an instance before a restart), so the highest source position among the last few of them is
 *       known to be processed. Without that, a token from before a restart would wait for a record
 *       that may never come. The seed reads on a virtual thread with a group-less consumer, so the
 *       binding's consumer does not wait for it; on revocation the partitions are marked not
 *       assigned (their positions stay: they are still true).</li>
 * </ul>
 * Records whose {@code source} header is not the topic's service (a replayed message from elsewhere)
 * and topics that are not {@code <service>.events} (commands) are not tracked.
 *
 * <p>The binder takes one {@link ListenerContainerCustomizer} bean; a service that needs its own must
 * call this one from it. Thread-safe.
 */
public final class ConsumerProgressTracking implements ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerProgressTracking.class);
    /** How many records before the committed offset a seed reads (a replayed or duplicate record may be last). */
    static final int SEED_WINDOW = 32;
    private static final Duration SEED_TIMEOUT = Duration.ofSeconds(10);

    private final ConsumerProgress progress;
    private final Map<String, Object> clientConfig;

    /** @param clientConfig settings for a plain Kafka consumer that reaches the binder's brokers */
    public ConsumerProgressTracking(ConsumerProgress progress, Map<String, Object> clientConfig) {
        this.progress = progress;
        this.clientConfig = Map.copyOf(clientConfig);
    }

    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group) {
        Set<String> topics = new HashSet<>();
        for (String topic : StringUtils.commaDelimitedListToStringArray(destinationName)) {
            if (ConsumerProgress.sourceOf(topic.trim()) != null) {
                topics.add(topic.trim());
            }
        }
        if (topics.isEmpty() || !StringUtils.hasText(group)) {
            return;
        }
        topics.forEach(topic -> progress.feed(topic, group));
        intercept(container, new Tracker(group));
        var properties = container.getContainerProperties();
        properties.setConsumerRebalanceListener(new Rebalances(group, properties.getConsumerRebalanceListener()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void intercept(AbstractMessageListenerContainer container, RecordInterceptor tracker) {
        RecordInterceptor existing = container.getRecordInterceptor();
        container.setRecordInterceptor(existing == null ? tracker : new CompositeRecordInterceptor(existing, tracker));
    }

    /** After each record the listener handled: its source position, for its partition. */
    private final class Tracker implements RecordInterceptor<Object, Object> {

        private final String group;

        Tracker(String group) {
            this.group = group;
        }

        @Override
        public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
                                                        Consumer<Object, Object> consumer) {
            return record;
        }

        @Override
        public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
            long position = sourcePosition(record);
            if (position >= 0) {
                progress.feed(record.topic(), group).processed(record.partition(), position);
            }
        }
    }

    /** The binder's rebalance listener (if any), plus partition counts, assignment and seeding. */
    private final class Rebalances extends ChainedRebalanceListener {

        private final String group;

        Rebalances(String group, @Nullable ConsumerRebalanceListener delegate) {
            super(delegate);
            this.group = group;
        }

        @Override
        void revokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            forEachTracked(partitions, (feed, numbers) -> feed.revoked(numbers));
        }

        @Override
        void lost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            forEachTracked(partitions, (feed, numbers) -> feed.revoked(numbers));
        }

        @Override
        void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            try {
                takeIn(consumer, partitions);
            } catch (RuntimeException e) {
                // progress is for consistency tokens only: never let it stop the consumer
                LOG.warn("consumer progress of group {}: could not take in the assignment {}: {}", group, partitions,
                        e.toString());
            }
        }

        private void takeIn(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            Set<TopicPartition> tracked = partitions.stream()
                    .filter(tp -> ConsumerProgress.sourceOf(tp.topic()) != null).collect(Collectors.toSet());
            if (tracked.isEmpty()) {
                return;
            }
            // assigned before the partition count, which releases the waits that came before it: those on
            // partitions assigned here then wait here, and only the others read the stored positions
            forEachTracked(tracked, (feed, numbers) -> feed.assigned(numbers));
            for (String topic : tracked.stream().map(TopicPartition::topic).collect(Collectors.toSet())) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                if (infos != null && !infos.isEmpty()) {
                    progress.feed(topic, group).partitions(infos.size());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(tracked, Duration.ofSeconds(10));
            Map<TopicPartition, Long> toSeed = new HashMap<>();
            committed.forEach((tp, offset) -> {
                if (offset != null && offset.offset() > 0) {
                    // where the consumer resumes: a consumer that resumes from its database's offset
                    // (ConsumerOffsets) may start before the committed one (the records in between are
                    // applied again, so not processed yet) or after it (commits to Kafka lag behind)
                    long resumesAt = consumer.position(tp);
                    if (resumesAt > 0) {
                        toSeed.put(tp, resumesAt);
                    }
                }
            });
            if (!toSeed.isEmpty()) {
                Thread.ofVirtual().name("consumer-progress-seed-" + group).start(() -> seed(group, toSeed));
            }
        }

        private void forEachTracked(Collection<TopicPartition> partitions,
                                    java.util.function.BiConsumer<ConsumerProgress.Feed, List<Integer>> action) {
            Map<String, List<Integer>> byTopic = new HashMap<>();
            for (TopicPartition tp : partitions) {
                if (ConsumerProgress.sourceOf(tp.topic()) != null) {
                    byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
                }
            }
            byTopic.forEach((topic, numbers) -> action.accept(progress.feed(topic, group), numbers));
        }
    }

    /**
     * Reads up to {@link #SEED_WINDOW} records before each committed offset and records the highest
     * source position among them as processed.
     */
    void seed(String group, Map<TopicPartition, Long> committed) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "consumer-progress-seed-" + group);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            reader.assign(committed.keySet());
            Map<TopicPartition, Long> beginnings = reader.beginningOffsets(committed.keySet(), SEED_TIMEOUT);
            Map<TopicPartition, Long> highest = new HashMap<>();
            Set<TopicPartition> open = new HashSet<>();
            committed.forEach((tp, end) -> {
                long from = Math.max(beginnings.getOrDefault(tp, 0L), end - SEED_WINDOW);
                if (from < end) {
                    reader.seek(tp, from);
                    open.add(tp);
                }
            });
            long deadline = System.nanoTime() + SEED_TIMEOUT.toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < committed.get(tp)) {
                        highest.merge(tp, sourcePosition(record), Math::max);
                    }
                }
                open.removeIf(tp -> reader.position(tp) >= committed.get(tp));
            }
            reader.pause(reader.assignment());
            highest.forEach((tp, position) -> {
                if (position >= 0) {
                    progress.feed(tp.topic(), group).processed(tp.partition(), position);
                }
            });
            if (!open.isEmpty()) {
                LOG.warn("consumer progress of group {}: could not read the records before the committed offsets of {}"
                        + " within {} s; those partitions count from what is processed from now on", group, open,
                        SEED_TIMEOUT.toSeconds());
            }
        } catch (RuntimeException e) {
            LOG.warn("consumer progress of group {}: could not seed {} from the committed offsets: {}", group,
                    committed.keySet(), e.toString());
        }
    }

    /** The record's {@code source-position}, -1 if it has none or is not from the topic's service. */
    static long sourcePosition(ConsumerRecord<?, ?> record) {
        String source = ConsumerProgress.sourceOf(record.topic());
        if (source == null || !source.equals(text(record.headers().lastHeader(EventHeaders.SOURCE)))) {
            return -1;
        }
        String position = text(record.headers().lastHeader(EventHeaders.SOURCE_POSITION));
        try {
            return position == null ? -1 : Long.parseLong(position.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static @Nullable String text(@Nullable Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
