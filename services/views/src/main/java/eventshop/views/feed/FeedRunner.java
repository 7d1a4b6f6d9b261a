package eventshop.views.feed;

import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.views.feed.FeedStore.Checkpoint;
import eventshop.views.model.ViewTables;
import eventshop.views.model.ViewUpdater;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One generation of the views following the topics: a thread with its own {@link KafkaConsumer}, no
 * consumer group (nothing is committed to Kafka), every partition of every topic assigned by hand and
 * sought to the checkpoint stored in the views database (the beginning when there is none). Each poll's
 * records are applied to the generation's tables in ONE JDBC transaction together with the partitions'
 * new checkpoints, so a crash or a stop at any instant loses view rows and checkpoints together: after a
 * restart the runner reads again exactly what was not committed, and nothing counts twice.
 *
 * <p>A batch that fails (database error) rolls back; the runner seeks back to its checkpoints and tries
 * again after a pause (200 ms doubling to 10 s), never skipping. Records without a usable envelope
 * (no event id, non-numeric headers, no payload) or whose payload does not decode as the contract type
 * it names are passed over, counted and logged: every replica passes over the same ones.
 *
 * <p><b>Consistency tokens.</b> For each source service S (topic {@code S.events}) the runner reports
 * the position P of S's log up to which it has applied S's events. S's relay publishes its log in
 * position order but spreads it over partitions by stream, so per partition the runner knows the
 * highest source position applied, {@code h(p)}, and whether it has read the partition up to its end
 * offset as asked of the broker after applying the batch ({@code drained(p)}; not the consumer's
 * cached end from its last fetch, which a fetch racing a multi-partition produce leaves stale). It reports
 * {@code min( max_p h(p), min_{p not drained} h(p) )}: a partition with unread records holds the
 * position at what it has applied (its next record may be the one a token waits for); a drained
 * partition holds nothing back, but the position never passes the highest position actually seen, so
 * an event still on its way from S's relay (not yet on the broker) is waited for. The one case this
 * misses: the relay's broker acknowledged a later position on one partition while an earlier one on
 * another partition is still in flight (a send retried after an error); the token is then honoured a
 * moment early. Within one partition (one stream: a command's events) the order is exact.
 *
 * <p>Thread-safety: the consumer is used by the runner's thread only; status is published through
 * volatile fields and concurrent maps.
 */
final class FeedRunner {

    private static final Logger LOG = LoggerFactory.getLogger(FeedRunner.class);

    /** What the feed does with a runner's progress. */
    interface Owner {
        /** After each poll (with or without records), on the runner's thread. */
        void progressed(FeedRunner runner);

        /**
         * A rebuilding runner has reached the end offsets measured after it started: stop the serving
         * runner and answer its final checkpoints (blocking, on the rebuilding runner's thread).
         */
        Map<TopicPartition, Long> stopServing(FeedRunner runner);

        /** A rebuilding runner has applied at least as far as the stopped serving one: make it serve. */
        void switchTo(FeedRunner runner);
    }

    enum State { STARTING, RUNNING, CATCHING_UP, HANDING_OVER, FAILED, STOPPED }

    /** One partition as this runner last saw it; {@code endOffset}/{@code lag} are null until fetched. */
    record PartitionStatus(String topic, int partition, long offset, @Nullable Long endOffset, @Nullable Long lag,
                           long sourcePosition) {
    }

    private final int generation;
    private final ViewTables tables;
    private final ViewsProperties settings;
    private final Map<String, Object> clientConfig;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final FeedStore store;
    private final ViewUpdater updater;
    private final Object applyLock;
    private final Owner owner;
    private final Object sleeper = new Object();

    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> sourcePositions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lags = new ConcurrentHashMap<>();
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    private volatile boolean serving;
    private volatile boolean running;
    private volatile State state = State.STARTING;
    private volatile @Nullable String lastError;
    private volatile @Nullable Instant lastErrorAt;
    private volatile long applied;
    private volatile long skipped;
    private volatile @Nullable Map<TopicPartition, Long> target;
    private volatile @Nullable Map<TopicPartition, Long> handoverTarget;
    private volatile boolean caughtUpOnce;
    private @Nullable Thread thread;
    private @Nullable KafkaConsumer<byte[], byte[]> consumer;

    FeedRunner(int generation, boolean serving, ViewsProperties settings, Map<String, Object> clientConfig,
               JdbcTemplate jdbc, TransactionTemplate transactions, ViewUpdater updater, Object applyLock, Owner owner) {
        this.generation = generation;
        this.tables = new ViewTables(generation);
        this.serving = serving;
        this.settings = settings;
        this.clientConfig = clientConfig;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.store = new FeedStore(jdbc);
        this.updater = updater;
        this.applyLock = applyLock;
        this.owner = owner;
    }

    int generation() {
        return generation;
    }

    ViewTables tables() {
        return tables;
    }

    boolean serving() {
        return serving;
    }

    void serve() {
        serving = true;
        handoverTarget = null;
        state = State.RUNNING;
    }

    State state() {
        return state;
    }

    @Nullable String lastError() {
        return lastError;
    }

    @Nullable Instant lastErrorAt() {
        return lastErrorAt;
    }

    long appliedRecords() {
        return applied;
    }

    long skippedRecords() {
        return skipped;
    }

    /** Whether every assigned partition has once been read up to its end offset. */
    boolean caughtUpOnce() {
        return caughtUpOnce;
    }

    /** The end offsets a rebuild must reach before it takes over (null before measured or when serving). */
    @Nullable Map<TopicPartition, Long> target() {
        return target;
    }

    /** The applied checkpoints (next offset per partition). */
    Map<TopicPartition, Long> committed() {
        return Map.copyOf(committed);
    }

    List<PartitionStatus> partitions() {
        List<PartitionStatus> partitions = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            long offset = committed.getOrDefault(tp, 0L);
            Long lag = lags.get(tp);
            partitions.add(new PartitionStatus(tp.topic(), tp.partition(), offset, lag == null ? null : offset + lag,
                    lag, sourcePositions.getOrDefault(tp, -1L)));
        }
        partitions.sort(Comparator.comparing(PartitionStatus::topic).thenComparingInt(PartitionStatus::partition));
        return partitions;
    }

    /**
     * Per source service, the position of its log this runner has applied (see the class comment).
     * Sources with no partition known yet are absent.
     */
    Map<String, Long> appliedBySource() {
        Map<String, Long> max = new HashMap<>();
        Map<String, Long> minUndrained = new HashMap<>();
        for (TopicPartition tp : assigned) {
            String source = ViewsProperties.sourceOf(tp.topic());
            long position = sourcePositions.getOrDefault(tp, -1L);
            max.merge(source, position, Math::max);
            Long lag = lags.get(tp);
            if (lag == null || lag > 0) {
                minUndrained.merge(source, position, Math::min);
            }
        }
        Map<String, Long> applied = new HashMap<>();
        max.forEach((source, highest) -> applied.put(source, Math.min(highest,
                minUndrained.getOrDefault(source, Long.MAX_VALUE))));
        return applied;
    }

    // ---------------------------------------------------------------- lifecycle

    synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("views-g" + generation).daemon(true).start(this::run);
    }

    /** Stops after the batch in progress (which commits or rolls back whole) and waits for the thread. */
    void stop() {
        Thread running;
        synchronized (this) {
            this.running = false;
            running = thread;
        }
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state = State.STOPPED;
    }

    private void run() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        settings.consumer().forEach(config::put);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "views-g" + generation + "-" + System.identityHashCode(this));
        Map<String, Object> endsConfig = new HashMap<>(config);
        endsConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, config.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-ends");
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaConsumer<byte[], byte[]> ends = new KafkaConsumer<>(endsConfig, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            consumer = kafka;
            store.checkpoints(generation).forEach((tp, checkpoint) -> {
                committed.put(tp, checkpoint.nextOffset());
                sourcePositions.put(tp, checkpoint.sourcePosition());
            });
            state = serving ? State.RUNNING : State.CATCHING_UP;
            long nextRefresh = 0;
            int failures = 0;
            while (running) {
                try {
                    if (System.nanoTime() - nextRefresh >= 0 || (handoverTarget != null
                            && !assigned.containsAll(handoverTarget.keySet()))) {
                        refresh(kafka);
                        nextRefresh = System.nanoTime() + settings.partitionRefresh().toNanos();
                    }
                    if (assigned.isEmpty()) {
                        pause(settings.pollTimeout());
                        continue;
                    }
                    if (!serving && target == null) {
                        target = Map.copyOf(endOffsets(ends));
                    }
                    ConsumerRecords<byte[], byte[]> records = kafka.poll(settings.pollTimeout());
                    if (!records.isEmpty()) {
                        apply(records);
                    }
                    failures = 0;
                    if (state == State.FAILED) {
                        state = serving ? State.RUNNING : State.CATCHING_UP;
                    }
                    if (!records.isEmpty() || lags.size() < assigned.size()
                            || lags.values().stream().anyMatch(lag -> lag > 0)) {
                        measureLags(kafka, ends);
                    }
                    if (!caughtUpOnce && reached(null)) {
                        caughtUpOnce = true;
                    }
                    owner.progressed(this);
                    if (!serving) {
                        handOver();
                    }
                } catch (WakeupException stopping) {
                    throw stopping;
                } catch (RuntimeException e) {
                    failures++;
                    failed(kafka, e, failures);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("views generation {}: the feed stopped", generation, e);
                lastError = e.toString();
                lastErrorAt = Instant.now();
            }
        } finally {
            consumer = null;
            state = State.STOPPED;
        }
    }

    /**
     * Asks the broker for the end offsets now, after the batch is applied. The consumer's own idea of
     * a partition's end ({@code currentLag}) comes from the last fetch response that carried that
     * partition, and can be stale: the broker appends the partitions of one produce request one after
     * the other, so a fetch may see a later position on one partition before an earlier one on
     * another, and would then call the other partition drained although it is not. A second client
     * asks: on the fetching one the request would queue behind a fetch the broker holds for up to
     * {@code fetch.max.wait.ms}.
     */
    /**
     * The end offsets of the assigned partitions, asked by the second client, which holds the same
     * assignment (never polled): a consumer asked about partitions it is not assigned logs a warning
     * for each of them at every answer ("Not updating high watermark ... no longer assigned").
     */
    private Map<TopicPartition, Long> endOffsets(KafkaConsumer<byte[], byte[]> ends) {
        if (!ends.assignment().equals(assigned)) {
            ends.assign(assigned);
        }
        return ends.endOffsets(assigned);
    }

    private void measureLags(KafkaConsumer<byte[], byte[]> kafka, KafkaConsumer<byte[], byte[]> endOffsets) {
        Map<TopicPartition, Long> ends = endOffsets(endOffsets);
        for (TopicPartition tp : assigned) {
            Long end = ends.get(tp);
            if (end != null) {
                lags.put(tp, Math.max(0, end - kafka.position(tp)));
            }
        }
    }

    private void handOver() {
        Map<TopicPartition, Long> measured = target;
        if (handoverTarget == null && measured != null && reached(measured)) {
            state = State.HANDING_OVER;
            LOG.info("views generation {}: caught up with the end offsets measured at its start; taking over",
                    generation);
            handoverTarget = Map.copyOf(owner.stopServing(this));
        }
        Map<TopicPartition, Long> last = handoverTarget;
        if (last != null && reached(last)) {
            owner.switchTo(this);
        }
    }

    /** Whether every partition of {@code offsets} (every assigned one, drained, if null) has been applied that far. */
    private boolean reached(@Nullable Map<TopicPartition, Long> offsets) {
        if (offsets == null) {
            return !assigned.isEmpty() && assigned.stream().allMatch(tp -> Long.valueOf(0).equals(lags.get(tp)));
        }
        for (Map.Entry<TopicPartition, Long> entry : offsets.entrySet()) {
            TopicPartition tp = entry.getKey();
            boolean drained = Long.valueOf(0).equals(lags.get(tp));
            if (committed.getOrDefault(tp, 0L) < entry.getValue() && !drained) {
                return false;
            }
            if (!assigned.contains(tp) && entry.getValue() > 0) {
                return false;
            }
        }
        return true;
    }

    private void refresh(KafkaConsumer<byte[], byte[]> kafka) {
        Set<TopicPartition> all = new HashSet<>(assigned);
        for (String topic : settings.topics()) {
            try {
                List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null) {
                    infos.forEach(info -> all.add(new TopicPartition(info.topic(), info.partition())));
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("views generation {}: no metadata for {} yet", generation, topic);
            }
        }
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(assigned);
        if (added.isEmpty()) {
            return;
        }
        kafka.assign(all);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : added) {
            Long offset = committed.get(tp);
            if (offset != null) {
                kafka.seek(tp, offset);
            } else {
                fromStart.add(tp);
            }
        }
        kafka.seekToBeginning(fromStart);
        assigned.addAll(added);
        LOG.info("views generation {}: reading {} more partitions ({} in all)", generation, added.size(), all.size());
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        Map<TopicPartition, Long> positions = new HashMap<>();
        long[] skippedHere = {0};
        synchronized (applyLock) {
            transactions.executeWithoutResult(tx -> {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    String source = ViewsProperties.sourceOf(record.topic());
                    nextOffsets.put(tp, record.offset() + 1);
                    IncomingEvent event = incoming(record);
                    if (event == null) {
                        skippedHere[0]++;
                        continue;
                    }
                    try {
                        updater.apply(source, event, tables, jdbc);
                    } catch (ViewUpdater.Unreadable unreadable) {
                        LOG.warn("views generation {}: passed over {}-{}@{}: {}", generation, record.topic(),
                                record.partition(), record.offset(), unreadable.getMessage());
                        skippedHere[0]++;
                    }
                    if (source.equals(event.source()) && event.sourcePosition()
                            > positions.getOrDefault(tp, sourcePositions.getOrDefault(tp, -1L))) {
                        positions.put(tp, event.sourcePosition());
                    }
                }
                nextOffsets.forEach((tp, next) -> store.save(generation, tp, new Checkpoint(next,
                        positions.getOrDefault(tp, sourcePositions.getOrDefault(tp, -1L)))));
            });
        }
        committed.putAll(nextOffsets);
        sourcePositions.putAll(positions);
        applied += records.count();
        skipped += skippedHere[0];
    }

    private @Nullable IncomingEvent incoming(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        MessageBuilder<byte[]> message = MessageBuilder.withPayload(record.value());
        for (Header header : record.headers()) {
            message.setHeader(header.key(), header.value());
        }
        try {
            return IncomingEvent.from(message.build());
        } catch (IncomingEvent.MalformedEvent e) {
            LOG.warn("views generation {}: passed over {}-{}@{}: {}", generation, record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return null;
        }
    }

    private void failed(KafkaConsumer<byte[], byte[]> kafka, RuntimeException error, int failures) {
        state = State.FAILED;
        lastError = error.toString();
        lastErrorAt = Instant.now();
        long delay = Math.min(settings.retryMax().toMillis(),
                settings.retryInitial().toMillis() << Math.min(failures - 1, 20));
        LOG.warn("views generation {}: batch failed ({} in a row), rolled back; retrying from the checkpoints in {} ms",
                generation, failures, delay, error);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            Long offset = committed.get(tp);
            if (offset != null) {
                kafka.seek(tp, offset);
            } else {
                fromStart.add(tp);
            }
        }
        kafka.seekToBeginning(fromStart);
        pause(Duration.ofMillis(delay));
    }

    private void pause(Duration duration) {
        synchronized (sleeper) {
            if (!running) {
                return;
            }
            try {
                sleeper.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
