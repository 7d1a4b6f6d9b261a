package eventshop.eventsourcing.consuming;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The messages parked on dead-letter topics by the Kafka binder (consumer bindings with
 * {@code enableDlq}), and their replay.
 *
 * <p>Listing reads a dead-letter topic from the start (or its last {@code limit} records per
 * partition) with a group-less consumer, so it moves no offsets. Replaying sends the parked
 * record back to its original topic with its original key and headers (the binder's
 * {@code x-original-*} / {@code x-exception-*} headers removed), waits for the broker's
 * acknowledgement, and notes the replay in {@code parked_replays}. Every consumer group of the
 * original topic sees the replayed event again; consumers that use {@link ExactlyOnce} skip it
 * if they had applied it. A replayed event arrives after later events of the same stream.
 *
 * <p>Thread-safe; each call opens its own short-lived Kafka clients.
 */
public final class ParkedMessages {

    /** Headers the binder adds when it parks a record. */
    static final String ORIGINAL_TOPIC = "x-original-topic";
    static final String ORIGINAL_PARTITION = "x-original-partition";
    static final String ORIGINAL_OFFSET = "x-original-offset";
    static final String EXCEPTION_MESSAGE = "x-exception-message";
    static final String EXCEPTION_FQCN = "x-exception-fqcn";
    static final String EXCEPTION_STACKTRACE = "x-exception-stacktrace";

    private static final int SUMMARY = 200;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> clientConfig;
    private final Supplier<Collection<String>> deadLetterTopics;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    /**
     * @param clientConfig     Kafka client settings: at least {@code bootstrap.servers}
     * @param deadLetterTopics the dead-letter topics of this service's consumer bindings
     */
    public ParkedMessages(Map<String, Object> clientConfig, Supplier<Collection<String>> deadLetterTopics,
                          DataSource dataSource, Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.deadLetterTopics = deadLetterTopics;
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = clock;
        jdbc.execute("CREATE TABLE IF NOT EXISTS parked_replays (dead_letter_topic VARCHAR(250) NOT NULL, "
                + "dlq_partition INT NOT NULL, dlq_offset BIGINT NOT NULL, replayed_at TIMESTAMP NOT NULL, "
                + "PRIMARY KEY (dead_letter_topic, dlq_partition, dlq_offset))");
    }

    /** The dead-letter topics this service's consumers park messages on. */
    public List<String> topics() {
        return deadLetterTopics.get().stream().distinct().sorted().toList();
    }

    /** Every parked message (at most {@code limit} per partition of each topic, the newest), by topic. */
    public Map<String, List<ParkedMessage>> list(int limit) {
        Map<String, List<ParkedMessage>> all = new LinkedHashMap<>();
        for (String topic : topics()) {
            all.put(topic, list(topic, limit));
        }
        return all;
    }

    /** The parked messages of one dead-letter topic, at most {@code limit} per partition, oldest first. */
    public List<ParkedMessage> list(String deadLetterTopic, int limit) {
        Map<String, Instant> replays = replays(deadLetterTopic);
        List<ParkedMessage> parked = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, deadLetterTopic);
            if (partitions.isEmpty()) {
                return List.of();
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(begin.get(partition), end.get(partition) - limit));
            }
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, partitions, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        parked.add(toParked(record, replays.get(idOf(record))));
                    }
                }
            }
        }
        parked.sort(Comparator.comparing(ParkedMessage::parkedAt).thenComparing(ParkedMessage::partition)
                .thenComparingLong(ParkedMessage::offset));
        return parked;
    }

    /**
     * Sends a parked message back to its original topic, with its original key and headers.
     *
     * @param id {@code <dead-letter topic>:<partition>:<offset>}
     * @return the message as it was parked, with the time of this replay
     * @throws IllegalArgumentException if there is no such parked message
     */
    public ParkedMessage replay(String id) {
        int last = id.lastIndexOf(':');
        int middle = id.lastIndexOf(':', last - 1);
        if (middle <= 0) {
            throw new IllegalArgumentException("a parked message id is <topic>:<partition>:<offset>, not " + id);
        }
        String topic = id.substring(0, middle);
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(id.substring(middle + 1, last));
            offset = Long.parseLong(id.substring(last + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a parked message id is <topic>:<partition>:<offset>, not " + id);
        }
        ConsumerRecord<byte[], byte[]> record = read(topic, partition, offset)
                .orElseThrow(() -> new IllegalArgumentException("no parked message " + id));
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, record);
        }
        return toParked(record, noteReplay(record));
    }

    /** Replays every message of {@code deadLetterTopic} that was not replayed yet, in parking order. */
    public List<ParkedMessage> replayAll(String deadLetterTopic) {
        List<ParkedMessage> pending = list(deadLetterTopic, Integer.MAX_VALUE).stream()
                .filter(message -> message.replayedAt() == null).toList();
        List<ParkedMessage> replayed = new ArrayList<>();
        for (ParkedMessage message : pending) {
            replayed.add(replay(message.id()));
        }
        return replayed;
    }

    private void send(KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> record) {
        String originalTopic = text(record.headers().lastHeader(ORIGINAL_TOPIC));
        if (originalTopic == null) {
            throw new IllegalArgumentException("the parked message " + idOf(record) + " has no " + ORIGINAL_TOPIC
                    + " header");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("x-original-") && !header.key().startsWith("x-exception-")) {
                headers.add(header);
            }
        }
        try {
            producer.send(new ProducerRecord<>(originalTopic, null, record.key(), record.value(), headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + idOf(record), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not replay " + idOf(record) + ": " + e.getCause(), e.getCause());
        }
    }

    private Optional<ConsumerRecord<byte[], byte[]>> read(String topic, int partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition tp = new TopicPartition(topic, partition);
            if (partitions(consumer, topic).stream().noneMatch(tp::equals)) {
                return Optional.empty();
            }
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            if (offset >= end || offset < consumer.beginningOffsets(List.of(tp)).get(tp)) {
                return Optional.empty();
            }
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return Optional.of(record);
                    }
                    if (record.offset() > offset) {
                        return Optional.empty();
                    }
                }
            }
            throw new IllegalStateException("timed out reading " + topic + ":" + partition + ":" + offset);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                      Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(READ_TIMEOUT);
        List<PartitionInfo> infos = topics.get(topic);
        return infos == null ? List.of()
                : infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private Map<String, Instant> replays(String topic) {
        Map<String, Instant> replays = new HashMap<>();
        jdbc.query("SELECT dlq_partition, dlq_offset, replayed_at FROM parked_replays WHERE dead_letter_topic = ?",
                row -> {
                    replays.put(topic + ":" + row.getInt(1) + ":" + row.getLong(2), row.getTimestamp(3).toInstant());
                }, topic);
        return replays;
    }

    private Instant noteReplay(ConsumerRecord<?, ?> record) {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        int updated = jdbc.update("UPDATE parked_replays SET replayed_at = ? WHERE dead_letter_topic = ? "
                + "AND dlq_partition = ? AND dlq_offset = ?", at, record.topic(), record.partition(), record.offset());
        if (updated == 0) {
            jdbc.update("INSERT INTO parked_replays (dead_letter_topic, dlq_partition, dlq_offset, replayed_at) "
                    + "VALUES (?, ?, ?, ?)", record.topic(), record.partition(), record.offset(), at);
        }
        return now;
    }

    private static ParkedMessage toParked(ConsumerRecord<byte[], byte[]> record, Instant replayedAt) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("x-original-") && !header.key().startsWith("x-exception-")) {
                headers.put(header.key(), header.value() == null ? null
                        : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        byte[] value = record.value() == null ? new byte[0] : record.value();
        String payload = new String(value, StandardCharsets.UTF_8);
        if (payload.length() > SUMMARY) {
            payload = payload.substring(0, SUMMARY) + "…";
        }
        Header partition = record.headers().lastHeader(ORIGINAL_PARTITION);
        Header offset = record.headers().lastHeader(ORIGINAL_OFFSET);
        return new ParkedMessage(idOf(record), record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                text(record.headers().lastHeader(ORIGINAL_TOPIC)),
                partition != null && partition.value().length == Integer.BYTES
                        ? ByteBuffer.wrap(partition.value()).getInt() : -1,
                offset != null && offset.value().length == Long.BYTES ? ByteBuffer.wrap(offset.value()).getLong() : -1,
                text(record.headers().lastHeader(EXCEPTION_MESSAGE)), text(record.headers().lastHeader(EXCEPTION_FQCN)),
                headers, payload, value.length, Instant.ofEpochMilli(record.timestamp()), replayedAt);
    }

    private static String idOf(ConsumerRecord<?, ?> record) {
        return record.topic() + ":" + record.partition() + ":" + record.offset();
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventshop-parked-reader");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "eventshop-parked-replayer");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
