package eventshop.eventsourcing.consuming;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Dead-letter topics in memory, one partition each, for tests of {@link ParkedMessages} without a broker: records
 * are parked as the binder parks them ({@link #park}); sends are kept ({@link #sent}) and answered by
 * {@link #answerSendsWith} (acknowledged at once by default). Thread-safe.
 */
public final class InMemoryDeadLetterTopics implements DeadLetterTopics {

    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> topics = new ConcurrentHashMap<>();
    private final List<ProducerRecord<byte[], byte[]>> sent = new CopyOnWriteArrayList<>();
    private volatile Function<ProducerRecord<byte[], byte[]>, CompletableFuture<Void>> answer =
            record -> CompletableFuture.completedFuture(null);
    private volatile boolean closed;

    /** Parks {@code payload} on {@code topic}, as consumed from {@code originalTopic} and failed with {@code error}. */
    public synchronized long park(String topic, String key, String payload, String originalTopic, String error) {
        List<ConsumerRecord<byte[], byte[]>> records = topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        long offset = records.size();
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-type", "ItemAdded".getBytes(StandardCharsets.UTF_8));
        headers.add(ParkedMessages.ORIGINAL_TOPIC, originalTopic.getBytes(StandardCharsets.UTF_8));
        headers.add(ParkedMessages.ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(0).array());
        headers.add(ParkedMessages.ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(offset * 10).array());
        headers.add(ParkedMessages.EXCEPTION_MESSAGE, error.getBytes(StandardCharsets.UTF_8));
        headers.add(ParkedMessages.EXCEPTION_FQCN, IllegalStateException.class.getName().getBytes(StandardCharsets.UTF_8));
        records.add(new ConsumerRecord<>(topic, 0, offset, 1_700_000_000_000L + offset, TimestampType.CREATE_TIME,
                key.length(), payload.length(), key.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8), headers, java.util.Optional.empty()));
        return offset;
    }

    /** Creates an empty topic. */
    public void create(String topic) {
        topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
    }

    /** How sends are answered from now on. */
    public void answerSendsWith(Function<ProducerRecord<byte[], byte[]>, CompletableFuture<Void>> answer) {
        this.answer = answer;
    }

    /** Every record sent, in order. */
    public List<ProducerRecord<byte[], byte[]>> sent() {
        return List.copyOf(sent);
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public Map<Integer, Range> offsets(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = topics.get(topic);
        return records == null ? Map.of() : Map.of(0, new Range(0, records.size()));
    }

    @Override
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, Map<Integer, Range> ranges) {
        List<ConsumerRecord<byte[], byte[]>> records = topics.getOrDefault(topic, List.of());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        Range range = ranges.get(0);
        if (range != null) {
            for (long offset = range.begin(); offset < Math.min(range.end(), records.size()); offset++) {
                found.add(records.get((int) offset));
            }
        }
        return found;
    }

    @Override
    public CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        sent.add(record);
        return answer.apply(record);
    }

    @Override
    public void close() {
        closed = true;
    }
}
