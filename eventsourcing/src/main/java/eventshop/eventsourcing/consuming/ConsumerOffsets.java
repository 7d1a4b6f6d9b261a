package eventshop.eventsourcing.consuming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Where the service's consumer bindings are in their topics, kept in the service's own database, and
 * where they resume from: table {@code consumer_offsets(group_id, topic, partition_no, next_offset,
 * source_position)} ({@link eventshop.eventsourcing.database.EventSourcingTables}).
 *
 * <p>Why: Kafka's committed offset says which records the listener returned from, not which effects
 * the database kept. A database that writes its commits to disk in the background (H2 with its
 * default write delay, which costs a tenth of a commit written at once, docs/benchmarks.md) loses its
 * last commits on kill -9, while the group's offset may already be past them: those effects, and
 * their {@link ExactlyOnce} records, would be gone for good. Here every record the listener finished
 * (applied, passed over, or parked after its retries) is noted in memory, and the notes are written
 * (in one transaction, at most every {@code flushInterval}, on every revocation and at shutdown)
 * <em>after</em> the effects they cover have committed. A database keeps its commits in order, so after
 * any crash the stored offset never points past an effect that was lost; on assignment the binding's
 * consumer seeks to it, the lost effects are applied again, and {@link ExactlyOnce} skips the rest.
 *
 * <p>Kafka's committed offsets still move, but only every {@code commitInterval} (the container's
 * {@code AckMode.TIME}) instead of a synchronous commit after every poll (3.7 % of the store's CPU on the
 * consumer threads alone, more in the broker's group coordinator): they serve the lag figures, the first
 * start of a group and partitions the database does not know; a partition the database knows resumes
 * where the database says. The price is redelivery: after a crash, up to one flush interval of records
 * is read again (deduplicated), and a record parked in that interval is parked a second time.
 *
 * <p><b>Source positions</b>, for consistency tokens across instances: given the service's
 * {@link ConsumerProgress}, each flush also writes, per partition of a {@code <service>.events} topic, the
 * highest source position the group has processed there ({@code source_position}, -1 while none; it only
 * moves forward). It is read from the progress when the flush starts, so every record it covers has
 * committed its effect before the flush's transaction, as with the offsets; the listener threads do
 * nothing more per record. It is written with a partition's offset, or on its own when only the position
 * moved (a partition seeded after an assignment). The other instances of the service read it
 * ({@link #storedPositions}) for waits on partitions they are not assigned ({@link ConsumerProgress#readStored}).
 *
 * <p>Thread-safe: listener threads note, a daemon thread flushes, rebalance callbacks seek.
 */
public final class ConsumerOffsets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerOffsets.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TransactionTemplate savepoint;
    private final Duration flushInterval;
    private final Duration commitInterval;
    private final Map<Key, Long> pending = new ConcurrentHashMap<>();
    private final @Nullable ConsumerProgress progress;
    /** The source position known to be in the database per partition: the flush writes only those beyond it. */
    private final Map<Key, Long> storedPositions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    /** A partition of a group's topic. */
    record Key(String group, String topic, int partition) {
    }

    /**
     * @param flushInterval  how often the noted offsets are written to the database
     * @param commitInterval how often the binding containers commit their offsets to Kafka
     */
    public ConsumerOffsets(DataSource dataSource, PlatformTransactionManager transactionManager,
                           Duration flushInterval, Duration commitInterval) {
        this(dataSource, transactionManager, flushInterval, commitInterval, null);
    }

    /**
     * @param flushInterval  how often the noted offsets are written to the database
     * @param commitInterval how often the binding containers commit their offsets to Kafka
     * @param progress       the service's consumer progress, whose source positions are written with the
     *                       offsets; null to write none
     */
    public ConsumerOffsets(DataSource dataSource, PlatformTransactionManager transactionManager,
                           Duration flushInterval, Duration commitInterval, @Nullable ConsumerProgress progress) {
        this.progress = progress;
        this.commitInterval = commitInterval;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
        this.savepoint = new TransactionTemplate(transactionManager);
        savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.flushInterval = flushInterval;
        this.flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("consumer-offsets-flush").daemon(true).factory());
        long millis = Math.max(1, flushInterval.toMillis());
        flusher.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Notes the offsets of {@code container}'s records and seeks its consumer on assignment; called by
     * the binder's one {@link ListenerContainerCustomizer} (this is not one itself: the binder takes one).
     */
    public void configure(AbstractMessageListenerContainer<?, ?> container, String group) {
        if (!StringUtils.hasText(group)) {
            return;
        }
        intercept(container, new Noter(group));
        var properties = container.getContainerProperties();
        properties.setAckMode(ContainerProperties.AckMode.TIME);
        properties.setAckTime(Math.max(1, commitInterval.toMillis()));
        properties.setConsumerRebalanceListener(new Seeker(group, properties.getConsumerRebalanceListener()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void intercept(AbstractMessageListenerContainer container, RecordInterceptor noter) {
        RecordInterceptor existing = container.getRecordInterceptor();
        container.setRecordInterceptor(existing == null ? noter : new CompositeRecordInterceptor(existing, noter));
    }

    /** Notes that {@code group} has finished the record at {@code offset} (its effect, if any, committed). */
    void finished(String group, String topic, int partition, long offset) {
        pending.merge(new Key(group, topic, partition), offset + 1, Math::max);
    }

    /** The next offset the database holds for each of these partitions of {@code group} (absent: none). */
    Map<TopicPartition, Long> stored(String group, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long next = pending.get(new Key(group, tp.topic(), tp.partition()));
            List<Long> rows = jdbc.queryForList("SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND topic = ? "
                    + "AND partition_no = ?", Long.class, group, tp.topic(), tp.partition());
            Long row = rows.isEmpty() ? null : rows.getFirst();
            if (next != null || row != null) {
                offsets.put(tp, Math.max(next == null ? -1 : next, row == null ? -1 : row));
            }
        }
        return offsets;
    }

    /**
     * The highest source position stored for each of {@code partitions} by any instance of the service,
     * in one query; absent where no row is. For {@link ConsumerProgress#readStored}.
     */
    public Map<ConsumerProgress.GroupPartition, Long> storedPositions(
            Collection<ConsumerProgress.GroupPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        List<Object> arguments = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT group_id, topic, partition_no, source_position FROM consumer_offsets WHERE ");
        for (ConsumerProgress.GroupPartition partition : partitions) {
            sql.append(arguments.isEmpty() ? "" : " OR ").append("(group_id = ? AND topic = ? AND partition_no = ?)");
            arguments.addAll(List.of(partition.group(), partition.topic(), partition.partition()));
        }
        Map<ConsumerProgress.GroupPartition, Long> positions = new HashMap<>();
        jdbc.query(sql.toString(), row -> {
            var partition = new ConsumerProgress.GroupPartition(row.getString(1), row.getString(2), row.getInt(3));
            long position = row.getLong(4);
            positions.put(partition, position);
            storedPositions.merge(new Key(partition.group(), partition.topic(), partition.partition()), position, Math::max);
        }, arguments.toArray());
        return positions;
    }

    /**
     * Writes the noted offsets (each only forward) and the progress's source positions that moved, in one
     * transaction.
     */
    public synchronized void flush() {
        Map<Key, Long> batch = new HashMap<>(pending);
        Map<Key, Long> positions = processedPositions();
        Map<Key, Long> moved = new HashMap<>();
        positions.forEach((key, position) -> {
            if (position > storedPositions.getOrDefault(key, -1L)) {
                moved.put(key, position);
            }
        });
        if (batch.isEmpty() && moved.isEmpty()) {
            return;
        }
        Map<Key, Long> written = new HashMap<>();
        transactions.executeWithoutResult(status -> {
            written.clear();
            batch.forEach((key, next) -> {
                long position = positions.getOrDefault(key, -1L);
                if (write(key, next, position) && position >= 0) {
                    written.put(key, position);
                }
            });
            moved.forEach((key, position) -> {
                if (!batch.containsKey(key)) {
                    writePosition(key, position);
                    written.put(key, position);
                }
            });
        });
        batch.forEach(pending::remove); // only entries no record has moved on since (remove(key, value))
        written.forEach((key, position) -> storedPositions.merge(key, position, Math::max));
    }

    /** The progress's processed source positions, by partition of each group's topics. */
    private Map<Key, Long> processedPositions() {
        if (progress == null) {
            return Map.of();
        }
        Map<Key, Long> positions = new HashMap<>();
        progress.positions().forEach((topic, groups) -> groups.forEach((group, partitions) ->
                partitions.forEach((partition, position) -> {
                    if (position >= 0) {
                        positions.put(new Key(group, topic, partition), position);
                    }
                })));
        return positions;
    }

    /**
     * Moves the partition's row forward, or inserts it; false if another instance inserted it meanwhile. The insert
     * runs in a savepoint (a nested transaction): PostgreSQL would otherwise abort the whole flush's transaction at a
     * duplicate key.
     */
    private boolean write(Key key, long next, long sourcePosition) {
        int updated = jdbc.update("UPDATE consumer_offsets SET next_offset = GREATEST(next_offset, ?), "
                + "source_position = GREATEST(source_position, ?) WHERE group_id = ? AND topic = ? AND partition_no = ? "
                + "AND (next_offset < ? OR source_position < ?)", next, sourcePosition, key.group(), key.topic(),
                key.partition(), next, sourcePosition);
        if (updated == 0 && jdbc.queryForObject("SELECT COUNT(*) FROM consumer_offsets WHERE group_id = ? AND topic = ? "
                + "AND partition_no = ?", Integer.class, key.group(), key.topic(), key.partition()) == 0) {
            try {
                savepoint.executeWithoutResult(status -> jdbc.update("INSERT INTO consumer_offsets (group_id, topic, "
                        + "partition_no, next_offset, source_position) VALUES (?, ?, ?, ?, ?)", key.group(), key.topic(),
                        key.partition(), next, sourcePosition));
            } catch (DuplicateKeyException raced) {
                // written by another flush meanwhile; the next flush moves it forward if needed
                return false;
            }
        }
        return true;
    }

    /**
     * Moves the partition's stored source position forward. No row, no write: the position is written with
     * the partition's first offset (a feed without offsets here, like a service's own consumer, has none).
     */
    private void writePosition(Key key, long sourcePosition) {
        jdbc.update("UPDATE consumer_offsets SET source_position = ? WHERE group_id = ? AND topic = ? AND partition_no = ? "
                + "AND source_position < ?", sourcePosition, key.group(), key.topic(), key.partition(), sourcePosition);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("could not write the consumers' offsets (kept in memory, written with the next flush): {}",
                    e.toString());
        }
    }

    /** Stops the flusher after a last flush. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }

    @Override
    public String toString() {
        return "consumer offsets (" + pending.size() + " to write, every " + flushInterval + "; committed to Kafka every "
                + commitInterval + ")";
    }

    /** Notes each record the listener is done with; a failure is redelivered, so it notes nothing. */
    private final class Noter implements RecordInterceptor<Object, Object> {

        private final String group;

        Noter(String group) {
            this.group = group;
        }

        @Override
        public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
                                                        Consumer<Object, Object> consumer) {
            return record;
        }

        @Override
        public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
            finished(group, record.topic(), record.partition(), record.offset());
        }
    }

    /** The binder's rebalance listener (if any), then: on assignment, seek to the database's offsets. */
    private final class Seeker extends ChainedRebalanceListener {

        private final String group;

        Seeker(String group, @Nullable ConsumerRebalanceListener delegate) {
            super(delegate);
            this.group = group;
        }

        @Override
        void revokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            flushQuietly();
        }

        @Override
        void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            // a failure here must stop the consumer: resuming from Kafka's offset could skip a lost effect
            List<String> sought = new ArrayList<>();
            stored(group, partitions).forEach((tp, next) -> {
                consumer.seek(tp, next);
                sought.add(tp + "@" + next);
            });
            if (!sought.isEmpty()) {
                LOG.debug("group {} resumes from its database's offsets {}", group, sought);
            }
        }
    }
}
