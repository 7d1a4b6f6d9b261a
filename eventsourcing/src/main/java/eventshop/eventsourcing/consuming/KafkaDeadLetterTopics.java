package eventshop.eventsourcing.consuming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Dead-letter topics on the broker. Offsets come from one admin client and sends go through one idempotent
 * producer ({@code acks=all}), both created on first use and kept until {@link #close}; reads use a group-less
 * consumer of their own ({@code read_committed}), so they move no offsets.
 *
 * <p>Thread-safe.
 */
public final class KafkaDeadLetterTopics implements DeadLetterTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> clientConfig;
    private final KeptAdmin admin;
    private @Nullable KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    /** @param clientConfig Kafka client settings: at least {@code bootstrap.servers} */
    public KafkaDeadLetterTopics(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.admin = new KeptAdmin(clientConfig, "eventshop-parked-offsets");
    }

    @Override
    public Map<Integer, Range> offsets(String topic) {
        Admin client = admin.get();
        TopicDescription description;
        try {
            description = get(client.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        } catch (IllegalStateException failed) {
            if (failed.getCause() instanceof ExecutionException execution
                    && execution.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            throw failed;
        }
        if (description == null) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description.partitions().forEach(partition -> {
            TopicPartition tp = new TopicPartition(topic, partition.partition());
            earliest.put(tp, OffsetSpec.earliest());
            latest.put(tp, OffsetSpec.latest());
        });
        ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> begins = get(client.listOffsets(earliest, committed).all());
        Map<TopicPartition, ListOffsetsResultInfo> ends = get(client.listOffsets(latest, committed).all());
        Map<Integer, Range> offsets = new HashMap<>();
        begins.forEach((tp, begin) -> offsets.put(tp.partition(),
                new Range(begin.offset(), Math.max(begin.offset(), ends.get(tp).offset()))));
        return Map.copyOf(offsets);
    }

    @Override
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, Map<Integer, Range> ranges) {
        Map<TopicPartition, Range> wanted = new HashMap<>();
        ranges.forEach((partition, range) -> {
            if (range.size() > 0) {
                wanted.put(new TopicPartition(topic, partition), range);
            }
        });
        if (wanted.isEmpty()) {
            return List.of();
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(wanted.keySet());
            wanted.forEach((tp, range) -> consumer.seek(tp, range.begin()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, wanted)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic + " " + ranges);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Range range = wanted.get(new TopicPartition(record.topic(), record.partition()));
                    if (record.offset() >= range.begin() && record.offset() < range.end()) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    @Override
    public CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer().send(record, (metadata, error) -> {
                if (error == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(error);
                }
            });
        } catch (RuntimeException refused) {
            acknowledged.completeExceptionally(refused);
        }
        return acknowledged;
    }

    @Override
    public void close() {
        KafkaProducer<byte[], byte[]> kept;
        synchronized (this) {
            closed = true;
            kept = producer;
            producer = null;
        }
        if (kept != null) {
            kept.close(Duration.ofSeconds(5));
        }
        admin.close();
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Range> wanted) {
        for (Map.Entry<TopicPartition, Range> partition : wanted.entrySet()) {
            if (consumer.position(partition.getKey(), TIMEOUT) < partition.getValue().end()) {
                return false;
            }
        }
        return true;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (closed) {
            throw new IllegalStateException("the dead-letter topics' producer was closed");
        }
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "eventshop-parked-replayer");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventshop-parked-reader");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the broker for offsets", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the offsets of a dead-letter topic: "
                    + (e.getCause() != null ? e.getCause() : e), e);
        }
    }
}
