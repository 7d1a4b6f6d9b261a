package eventshop.eventsourcing.projection;

import eventshop.eventsourcing.consuming.ConsumerProgress;
import eventshop.eventsourcing.consuming.IncomingEvent;
import eventshop.eventsourcing.consuming.MalformedMessage;
import eventshop.eventsourcing.projection.Checkpoint.Topics;
import eventshop.eventsourcing.projection.ProjectionStatus.PartitionStatus;
import eventshop.eventsourcing.tracing.TraceParent;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.util.ArrayDeque;
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

/**
 * A generation of a {@link TopicProjection} reading its topics: its own {@link KafkaConsumer} with no
 * consumer group (nothing is committed to Kafka), every partition of every topic assigned by hand
 * (new topics and partitions are looked for every {@code partition-refresh}) and sought to the
 * generation's checkpoint in {@value Generations#OFFSETS} (the beginning of a partition it has not
 * read yet). A batch's records, their partitions' new checkpoints and the registry's
 * {@code applied_position} (the records read, advanced by compare-and-set) commit in one transaction.
 *
 * <p><b>The head.</b> After each batch (and while a partition has unread records, or its end is not
 * known) a second consumer asks the broker for the end offsets of the partitions. Asking the reading
 * consumer's own idea of the end ({@code currentLag}) would not do: it comes from the last fetch that
 * carried the partition, and the broker appends the partitions of one produce request one after the
 * other, so a fetch may see a later position on one partition before an earlier one on another and
 * call the other drained although it is not; and on the reading consumer the request would queue
 * behind a fetch the broker holds for up to {@code fetch.max.wait.ms}. The second consumer holds the
 * same assignment and never polls: a consumer asked for partitions it is not assigned logs a warning
 * for each at every answer ("Not updating high watermark ... no longer assigned").
 *
 * <p>Used by the runner's thread; {@link #wake} and the status methods from any thread.
 */
final class TopicReader implements Reader<ConsumerRecord<byte[], byte[]>> {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(5);

    private final TopicProjection projection;
    private final Tables tables;
    private final JdbcTemplate jdbc;
    private final Generations generations;
    private final ProjectionProperties settings;
    private final Map<String, Object> clientConfig;
    private final Object sleeper = new Object();
    private final @Nullable Tracer tracer;

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private volatile @Nullable KafkaConsumer<byte[], byte[]> kafka;
    private @Nullable KafkaConsumer<byte[], byte[]> ends;
    private volatile Topics position = Checkpoint.NO_RECORDS;
    private volatile @Nullable Map<TopicPartition, Long> target;
    private volatile long skipped;
    private long skippedInBatch;
    private long nextRefresh;

    /** @param clientConfig the brokers and client settings (the binder's, then {@code eventshop.projections.consumer}) */
    TopicReader(TopicProjection projection, Tables tables, JdbcTemplate jdbc, Generations generations,
                ProjectionProperties settings, Map<String, Object> clientConfig, @Nullable Tracer tracer) {
        this.tracer = tracer;
        this.projection = projection;
        this.tables = tables;
        this.jdbc = jdbc;
        this.generations = generations;
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
    }

    @Override
    public Checkpoint open() {
        if (kafka == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
            config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, projection.name() + "-g" + tables.generation() + "-"
                    + Integer.toHexString(System.identityHashCode(this)));
            Map<String, Object> endsConfig = new HashMap<>(config);
            endsConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, config.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-ends");
            ends = new KafkaConsumer<>(endsConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            kafka = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        buffer.clear();
        skippedInBatch = 0;
        position = generations.offsets(projection.name(), tables.generation());
        seek(consumer(), assigned);
        return position;
    }

    @Override
    public List<ConsumerRecord<byte[], byte[]>> next(int max) throws InterruptedException {
        KafkaConsumer<byte[], byte[]> consumer = consumer();
        if (buffer.isEmpty()) {
            try {
                if (System.nanoTime() - nextRefresh >= 0) {
                    refresh(consumer);
                    nextRefresh = System.nanoTime() + settings.partitionRefresh().toNanos();
                }
                if (assigned.isEmpty()) {
                    pause(settings.pollTimeout());
                    return List.of();
                }
                if (target == null) {
                    target = Map.copyOf(askEndOffsets());
                }
                consumer.poll(settings.pollTimeout()).forEach(buffer::add);
            } catch (WakeupException woken) {
                return List.of();
            }
        }
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(Math.min(max, buffer.size()));
        while (batch.size() < max && !buffer.isEmpty()) {
            batch.add(buffer.poll());
        }
        return batch;
    }

    @Override
    public Checkpoint apply(List<ConsumerRecord<byte[], byte[]>> batch, Checkpoint from) {
        Topics before = (Topics) from;
        Map<TopicPartition, Topics.Partition> touched = new HashMap<>();
        long skippedHere = 0;
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            Topics.Partition at = touched.getOrDefault(tp, before.partitions().get(tp));
            long next = at == null ? 0 : at.nextOffset();
            long sourcePosition = at == null ? -1 : at.sourcePosition();
            if (record.offset() < next) {
                throw new IllegalStateException("the consumer delivered " + tp + "@" + record.offset()
                        + " again; the checkpoint is at " + next);
            }
            String source = sourceOf(record.topic());
            IncomingEvent event = incoming(record);
            if (event == null) {
                skippedHere++;
            } else {
                try {
                    applyTraced(source, event);
                } catch (MalformedMessage malformed) {
                    passedOver(record, malformed);
                    skippedHere++;
                }
                if (source.equals(event.source()) && event.sourcePosition() > sourcePosition) {
                    sourcePosition = event.sourcePosition();
                }
            }
            touched.put(tp, new Topics.Partition(record.offset() + 1, sourcePosition));
        }
        Topics after = with(before, touched);
        generations.saveOffsets(projection.name(), tables.generation(), touched);
        generations.advance(projection.name(), tables.generation(), before.applied(), after.applied());
        skippedInBatch = skippedHere;
        return after;
    }

    /**
     * Applies one event; a traced one (its record names the relay's span) in a {@code CONSUMER} span
     * {@code project <name>}, a child of that span, in scope while the projection runs (its log lines carry it).
     */
    private void applyTraced(String source, IncomingEvent event) {
        if (tracer == null || TraceParent.in(event.traceHeaders()).isEmpty()) {
            projection.apply(source, event, tables, jdbc);
            return;
        }
        Span span = TraceParent.start(tracer, "project " + projection.name(), Span.Kind.CONSUMER, event.traceHeaders())
                .tag("event.type", event.type()).tag("event.id", event.eventId().toString())
                .tag("event.source", source).tag("projection.generation", Integer.toString(tables.generation()));
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            projection.apply(source, event, tables, jdbc);
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public void settled(boolean applied, Checkpoint checkpoint) {
        position = (Topics) checkpoint;
        if (applied) {
            skipped += skippedInBatch;
            skippedInBatch = 0;
        }
        if (assigned.isEmpty()) {
            return;
        }
        boolean unknown = !endOffsets.keySet().containsAll(assigned);
        boolean unread = assigned.stream().anyMatch(tp -> endOffsets.getOrDefault(tp, 0L) > position.nextOffset(tp));
        if (applied || unknown || unread) {
            try {
                endOffsets.putAll(askEndOffsets());
            } catch (WakeupException woken) {
                endOffsets.clear(); // not measured after this batch: no partition counts as read to its end
            }
        }
    }

    @Override
    public Checkpoint through(List<ConsumerRecord<byte[], byte[]>> batch, Checkpoint from) {
        Map<TopicPartition, Topics.Partition> touched = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            touched.put(new TopicPartition(record.topic(), record.partition()),
                    new Topics.Partition(record.offset() + 1, -1));
        }
        return with((Topics) from, touched);
    }

    @Override
    public String where(List<ConsumerRecord<byte[], byte[]>> batch) {
        ConsumerRecord<byte[], byte[]> first = batch.getFirst();
        return batch.size() == 1 ? "at " + first.topic() + "-" + first.partition() + "@" + first.offset()
                : "in " + batch.size() + " records from " + first.topic() + "-" + first.partition() + "@"
                + first.offset();
    }

    @Override
    public @Nullable Long failingPosition(List<ConsumerRecord<byte[], byte[]>> batch) {
        return null;
    }

    @Override
    public void abandon() {
        buffer.clear(); // the consumer stays, with its assignment; open() seeks it back to the checkpoints
    }

    @Override
    public void wake() {
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        KafkaConsumer<byte[], byte[]> consumer = kafka;
        if (consumer != null) {
            try {
                consumer.wakeup();
            } catch (RuntimeException closing) {
                // closed meanwhile: nothing to wake
            }
        }
    }

    @Override
    public void close() {
        KafkaConsumer<byte[], byte[]> consumer = kafka;
        kafka = null;
        if (consumer != null) {
            consumer.close(Duration.ZERO);
        }
        KafkaConsumer<byte[], byte[]> endsConsumer = ends;
        ends = null;
        if (endsConsumer != null) {
            endsConsumer.close(Duration.ZERO);
        }
    }

    // ------------------------------------------------------------ status (any thread)

    @Override
    public long head() {
        return endOffsets.isEmpty() ? -1 : endOffsets.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long lag(Checkpoint checkpoint) {
        Topics at = (Topics) checkpoint;
        long lag = 0;
        for (TopicPartition tp : assigned) {
            Long end = endOffsets.get(tp);
            lag += end == null ? 0 : Math.max(0, end - at.nextOffset(tp));
        }
        return lag;
    }

    @Override
    public List<PartitionStatus> partitions(Checkpoint checkpoint) {
        Topics at = (Topics) checkpoint;
        List<PartitionStatus> partitions = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            Topics.Partition read = at.partitions().get(tp);
            long offset = read == null ? 0 : read.nextOffset();
            Long end = endOffsets.get(tp);
            partitions.add(new PartitionStatus(tp.topic(), tp.partition(), offset, end,
                    end == null ? null : Math.max(0, end - offset), read == null ? -1 : read.sourcePosition()));
        }
        partitions.sort(Comparator.comparing(PartitionStatus::topic).thenComparingInt(PartitionStatus::partition));
        return partitions;
    }

    @Override
    public long skipped() {
        return skipped;
    }

    @Override
    public long target() {
        Map<TopicPartition, Long> measured = target;
        return measured == null ? -1 : measured.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long reached(Checkpoint checkpoint) {
        Map<TopicPartition, Long> measured = target;
        if (measured == null) {
            return 0;
        }
        Topics at = (Topics) checkpoint;
        return measured.entrySet().stream().mapToLong(end -> Math.min(end.getValue(), at.nextOffset(end.getKey())))
                .sum();
    }

    @Override
    public boolean reachedTarget(Checkpoint checkpoint) {
        Map<TopicPartition, Long> measured = target;
        if (measured == null) {
            return false;
        }
        Topics at = (Topics) checkpoint;
        for (Map.Entry<TopicPartition, Long> end : measured.entrySet()) {
            TopicPartition tp = end.getKey();
            if (at.nextOffset(tp) < end.getValue() && !drained(tp, at)) {
                return false;
            }
            if (!assigned.contains(tp) && end.getValue() > 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean caughtUp(Checkpoint checkpoint) {
        Topics at = (Topics) checkpoint;
        return !assigned.isEmpty() && assigned.stream().allMatch(tp -> drained(tp, at));
    }

    // ------------------------------------------------------------ internals

    /** Read up to the end offset last asked of the broker (after the batch that got there). */
    private boolean drained(TopicPartition tp, Topics at) {
        Long end = endOffsets.get(tp);
        return end != null && at.nextOffset(tp) >= end;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        KafkaConsumer<byte[], byte[]> consumer = kafka;
        if (consumer == null) {
            throw new IllegalStateException("the topic reader of " + tables + " is not open");
        }
        return consumer;
    }

    /** The end offsets of the assigned partitions, asked by the second consumer, which holds the same assignment. */
    private Map<TopicPartition, Long> askEndOffsets() {
        KafkaConsumer<byte[], byte[]> endsConsumer = ends;
        if (endsConsumer == null) {
            throw new IllegalStateException("the topic reader of " + tables + " is not open");
        }
        Set<TopicPartition> partitions = Set.copyOf(assigned);
        if (!endsConsumer.assignment().equals(partitions)) {
            endsConsumer.assign(partitions);
        }
        return endsConsumer.endOffsets(partitions);
    }

    /** Assigns partitions of the topics that are not assigned yet, sought to their checkpoints. */
    private void refresh(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> all = new HashSet<>(assigned);
        for (String topic : projection.topics()) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
                if (infos != null) {
                    infos.forEach(info -> all.add(new TopicPartition(info.topic(), info.partition())));
                }
            } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                LOG.debug("projection '{}' generation {}: no metadata for {} yet", projection.name(),
                        tables.generation(), topic);
            }
        }
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(assigned);
        if (added.isEmpty()) {
            return;
        }
        consumer.assign(all);
        seek(consumer, added);
        assigned.addAll(added);
        LOG.info("projection '{}' generation {}: reading {} more partitions ({} in all)", projection.name(),
                tables.generation(), added.size(), all.size());
    }

    /** Seeks each of {@code partitions} to its checkpoint, or to its beginning if it has none. */
    private void seek(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> partitions) {
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Topics.Partition at = position.partitions().get(tp);
            if (at != null) {
                consumer.seek(tp, at.nextOffset());
            } else {
                fromStart.add(tp);
            }
        }
        if (!fromStart.isEmpty()) { // seekToBeginning of no partition seeks every assigned partition
            consumer.seekToBeginning(fromStart);
        }
    }

    private void pause(Duration duration) throws InterruptedException {
        synchronized (sleeper) {
            sleeper.wait(Math.max(1, duration.toMillis()));
        }
    }

    private @Nullable IncomingEvent incoming(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            passedOver(record, new MalformedMessage("the record has no payload"));
            return null;
        }
        MessageBuilder<byte[]> message = MessageBuilder.withPayload(record.value());
        for (Header header : record.headers()) {
            message.setHeader(header.key(), header.value());
        }
        try {
            return IncomingEvent.from(message.build());
        } catch (MalformedMessage malformed) {
            passedOver(record, malformed);
            return null;
        }
    }

    private void passedOver(ConsumerRecord<byte[], byte[]> record, RuntimeException why) {
        LOG.warn("projection '{}' generation {}: passed over {}-{}@{}: {}", projection.name(), tables.generation(),
                record.topic(), record.partition(), record.offset(), why.getMessage());
    }

    private static Topics with(Topics before, Map<TopicPartition, Topics.Partition> touched) {
        if (touched.isEmpty()) {
            return before;
        }
        Map<TopicPartition, Topics.Partition> all = new HashMap<>(before.partitions());
        all.putAll(touched);
        return new Topics(all);
    }

    /** The service publishing {@code topic} ({@code orders} for {@code orders.events}). */
    static String sourceOf(String topic) {
        String source = ConsumerProgress.sourceOf(topic);
        if (source == null) {
            throw new IllegalArgumentException("'" + topic + "' is not a <service>.events topic");
        }
        return source;
    }
}
