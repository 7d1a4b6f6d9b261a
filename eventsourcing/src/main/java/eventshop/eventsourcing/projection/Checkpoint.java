package eventshop.eventsourcing.projection;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * How far one generation of a read model has applied its source, as stored with its rows: a position
 * of the service's log ({@link Log}), or per topic partition the next offset to read and the highest
 * source position applied ({@link Topics}). Immutable.
 */
public sealed interface Checkpoint permits Checkpoint.Log, Checkpoint.Topics {

    /**
     * The checkpoint in one number, as the registry keeps it and operators see it: the last log
     * position applied, or the records read (the sum of the partitions' next offsets); -1 for nothing.
     */
    long applied();

    /** Whether this has applied everything {@code other} has. */
    boolean covers(Checkpoint other);

    /** How many events {@code other} has applied that this has not (0 if this covers it). */
    long behind(Checkpoint other);

    /** Nothing applied yet, of the log. */
    Log NO_EVENTS = new Log(-1);

    /** Nothing applied yet, of any topic. */
    Topics NO_RECORDS = new Topics(Map.of());

    /** @param position the last position of the service's log applied, -1 for none */
    record Log(long position) implements Checkpoint {

        public Log {
            if (position < -1) {
                throw new IllegalArgumentException("a log checkpoint is a position >= -1, was " + position);
            }
        }

        @Override
        public long applied() {
            return position;
        }

        @Override
        public boolean covers(Checkpoint other) {
            return position >= log(other).position;
        }

        @Override
        public long behind(Checkpoint other) {
            return Math.max(0, log(other).position - position);
        }

        private static Log log(Checkpoint other) {
            if (other instanceof Log log) {
                return log;
            }
            throw new IllegalArgumentException("a log checkpoint cannot be compared with " + other);
        }
    }

    /**
     * @param partitions per partition read so far: the next offset to read, and the highest source
     *                   position ({@code source-position} header) applied from it, -1 for none
     */
    record Topics(Map<TopicPartition, Partition> partitions) implements Checkpoint {

        public record Partition(long nextOffset, long sourcePosition) {
        }

        public Topics {
            partitions = Map.copyOf(partitions);
        }

        /** The next offset to read from {@code partition}, 0 if none was read yet. */
        public long nextOffset(TopicPartition partition) {
            Partition at = partitions.get(partition);
            return at == null ? 0 : at.nextOffset();
        }

        /** The next offsets by topic and partition, sorted. */
        public Map<String, Map<Integer, Long>> offsets() {
            Map<String, Map<Integer, Long>> offsets = new TreeMap<>();
            partitions.forEach((tp, at) -> offsets.computeIfAbsent(tp.topic(), topic -> new TreeMap<>())
                    .put(tp.partition(), at.nextOffset()));
            return offsets;
        }

        /** The records read: the sum of the next offsets. */
        public long records() {
            return partitions.values().stream().mapToLong(Partition::nextOffset).sum();
        }

        @Override
        public long applied() {
            return partitions.isEmpty() ? -1 : records();
        }

        @Override
        public boolean covers(Checkpoint other) {
            return behind(other) == 0;
        }

        @Override
        public long behind(Checkpoint other) {
            if (!(other instanceof Topics topics)) {
                throw new IllegalArgumentException("a topics checkpoint cannot be compared with " + other);
            }
            long behind = 0;
            for (Map.Entry<TopicPartition, Partition> entry : topics.partitions.entrySet()) {
                behind += Math.max(0, entry.getValue().nextOffset() - nextOffset(entry.getKey()));
            }
            return behind;
        }
    }
}
