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
 * where they resume from: table {@code consumer_offsets(group_id, topic, partition_no, next_offset)}
 * ({@link eventshop.eventsourcing.database.EventSourcingTables}).
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

    /** Writes the noted offsets (each only forward), in one transaction. */
    public synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Key, Long> batch = new HashMap<>(pending);
        transactions.executeWithoutResult(status -> batch.forEach(this::write));
        batch.forEach(pending::remove); // only entries no record has moved on since (remove(key, value))
    }

    /**
     * Moves the partition's row forward to {@code next}, or inserts it. The insert runs in a savepoint (a nested
     * transaction): where the row exists already (at or past {@code next}, or inserted meanwhile by another instance
     * of the service), PostgreSQL would otherwise abort the whole flush's transaction at the duplicate key.
     */
    private void write(Key key, long next) {
        int updated = jdbc.update("UPDATE consumer_offsets SET next_offset = ? WHERE group_id = ? AND topic = ? "
                + "AND partition_no = ? AND next_offset < ?", next, key.group(), key.topic(), key.partition(), next);
        if (updated == 0) {
            try {
                savepoint.executeWithoutResult(status -> jdbc.update("INSERT INTO consumer_offsets (group_id, topic, "
                        + "partition_no, next_offset) VALUES (?, ?, ?, ?)", key.group(), key.topic(), key.partition(),
                        next));
            } catch (DuplicateKeyException there) {
                // the row is at or past next already, or another flush wrote it meanwhile (the next flush moves it on)
            }
        }
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
