package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consistency.ReadModelProgress;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Kafka topics, for a {@link TopicProjection}: its checkpoint is per topic partition, and tokens wait
 * for the partition of their stream and for the whole-log estimate ({@link TopicProgress}).
 */
final class TopicSource implements Source {

    private static final Duration METADATA_WAIT = Duration.ofSeconds(10);

    private final TopicProjection projection;
    private final JdbcTemplate jdbc;
    private final Generations generations;
    private final ProjectionProperties settings;
    private final Map<String, Object> clientConfig;
    private final TopicProgress progress;
    private final @Nullable Tracer tracer;
    /** On a standby: asks the broker for the topics' partitions and end offsets (the follower's thread only). */
    private @Nullable KafkaConsumer<byte[], byte[]> standby;

    TopicSource(TopicProjection projection, JdbcTemplate jdbc, Generations generations, ProjectionProperties settings,
                Map<String, Object> clientConfig, @Nullable Tracer tracer) {
        this.tracer = tracer;
        this.projection = projection;
        this.jdbc = jdbc;
        this.generations = generations;
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.progress = new TopicProgress(projection.name(), projection.topics());
    }

    @Override
    public Reader<?> reader(Tables tables) {
        return new TopicReader(projection, tables, jdbc, generations, settings, clientConfig, tracer);
    }

    @Override
    public Checkpoint stored(int generation, long appliedPosition) {
        return generations.offsets(projection.name(), generation);
    }

    @Override
    public ReadModelProgress progress() {
        return progress;
    }

    @Override
    public void published(ProjectionRunner<?> active) {
        progress.publish(active.reader().partitions(active.checkpoint()));
    }

    /** Nothing: the runners publish what they apply, with the end offsets they asked after each batch. */
    @Override
    public void followed(Checkpoint checkpoint) {
    }

    /**
     * Publishes the leader's stored checkpoint as the runner would: per partition of the topics (asked of the
     * broker) the source position applied, and whether it is read to the end offset, asked now, after the
     * checkpoint was read (a partition that got records meanwhile counts as not drained: the estimate waits).
     */
    @Override
    public void followedOnStandby(Checkpoint checkpoint) {
        Checkpoint.Topics at = (Checkpoint.Topics) checkpoint;
        KafkaConsumer<byte[], byte[]> consumer = standbyConsumer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : projection.topics()) {
            consumer.partitionsFor(topic, METADATA_WAIT)
                    .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_WAIT);
        List<ProjectionStatus.PartitionStatus> statuses = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Checkpoint.Topics.Partition applied = at.partitions().get(tp);
            long next = applied == null ? 0 : applied.nextOffset();
            Long end = ends.get(tp);
            statuses.add(new ProjectionStatus.PartitionStatus(tp.topic(), tp.partition(), next, end,
                    end == null ? null : Math.max(0, end - next), applied == null ? -1 : applied.sourcePosition()));
        }
        progress.publish(statuses);
    }

    @Override
    public void stopFollowing() {
        KafkaConsumer<byte[], byte[]> consumer = standby;
        standby = null;
        if (consumer != null) {
            consumer.close(METADATA_WAIT);
        }
    }

    private KafkaConsumer<byte[], byte[]> standbyConsumer() {
        if (standby == null) {
            standby = new KafkaConsumer<>(groupless(projection.name() + "-standby"), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }
        return standby;
    }

    private Map<String, Object> groupless(String clientId) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    @Override
    public long head() {
        return -1;
    }

    @Override
    public Map<String, Long> appliedBySource() {
        return progress.all();
    }

    @Override
    public long events() {
        return withConsumer((consumer, partitions) -> sum(consumer.endOffsets(partitions, METADATA_WAIT)));
    }

    @Override
    public long eventsAt(Instant at) {
        return withConsumer((consumer, partitions) -> {
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(tp -> times.put(tp, at.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> first = consumer.offsetsForTimes(times, METADATA_WAIT);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, METADATA_WAIT));
            first.forEach((tp, found) -> {
                if (found != null) {
                    ends.put(tp, found.offset());
                }
            });
            return sum(ends);
        });
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Asks the broker with a short-lived group-less consumer, about every partition of the topics. */
    private long withConsumer(BiFunction<KafkaConsumer<byte[], byte[]>, List<TopicPartition>, Long> ask) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(groupless(projection.name()
                + "-source-events"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : projection.topics()) {
                consumer.partitionsFor(topic, METADATA_WAIT)
                        .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            return ask.apply(consumer, partitions);
        }
    }
}
