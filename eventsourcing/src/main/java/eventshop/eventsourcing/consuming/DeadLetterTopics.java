package eventshop.eventsourcing.consuming;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What {@link ParkedMessages} needs of the broker: the offsets of a dead-letter topic's partitions, its records
 * in a range of offsets, and a send that says when the broker has acknowledged it. {@link KafkaDeadLetterTopics}
 * is the broker's; tests hand in their own.
 *
 * <p>Implementations are thread-safe.
 */
public interface DeadLetterTopics extends AutoCloseable {

    /**
     * The offsets of one partition: records are at {@code begin <= offset < end}.
     *
     * @param begin the first offset still on the partition
     * @param end   the offset the next record will get (committed records only)
     */
    record Range(long begin, long end) {

        public Range {
            if (begin < 0 || end < begin) {
                throw new IllegalArgumentException("an offset range is 0 <= begin <= end, not " + begin + ".." + end);
            }
        }

        /** How many offsets it spans. */
        public long size() {
            return end - begin;
        }
    }

    /** Every partition of {@code topic} with its offsets; empty if there is no such topic. */
    Map<Integer, Range> offsets(String topic);

    /**
     * The records of {@code topic} in the given ranges of its partitions (a partition's {@code end} exclusive),
     * each partition in offset order.
     *
     * @throws IllegalStateException if the broker does not answer in time
     */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, Map<Integer, Range> ranges);

    /** Sends {@code record}; the future completes when the broker has acknowledged it, or fails. */
    CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record);

    /** Lets go of the clients it keeps. */
    @Override
    void close();
}
