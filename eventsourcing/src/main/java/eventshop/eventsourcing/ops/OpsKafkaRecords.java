package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Where on Kafka the log relay put events of this service's log: for each event, the topic the relay sends it to
 * (its events topic, a command topic, or none for an event it keeps private: {@code LogRelay#destinationOf}), and
 * there the record whose {@link EventHeaders#SOURCE} is this service, whose {@link EventHeaders#SOURCE_POSITION} is
 * the event's position and whose key is its stream id.
 *
 * <p>How a record is found without reading whole topics: the relay sends an event after it is stored, so its
 * record's timestamp (the producer's clock) is not before the event's (the application's clock, the same
 * machine's, less {@link #CLOCK_SLACK}). Per topic, one group-less consumer (it moves no offsets) asks each
 * partition for the first offset at the earliest wanted event's time ({@code offsetsForTimes}) and reads forward
 * once, matching every wanted event of that topic, until all are found, or the partition's end (taken when the
 * search starts), or a record of this service's relay past the highest wanted position and more than
 * {@link #PAST_MARGIN} after the latest wanted event (the relay sends in log order, so what was wanted lies before
 * it), or {@link #RECORDS_PER_EVENT} records per wanted event (at most {@link #MAX_RECORDS}), or {@link #PATIENCE}.
 * A search that stopped on a bound, or failed on the broker, says so in {@link Found#error}.
 *
 * <p>Thread-safe: each search opens its own short-lived consumer.
 */
public final class OpsKafkaRecords {

    /** How far a record's timestamp may be before its event's (clocks of one machine, or NTP-synchronised ones). */
    public static final Duration CLOCK_SLACK = Duration.ofSeconds(1);
    /** How far past the latest wanted event a partition is read once the relay is past the wanted positions. */
    public static final Duration PAST_MARGIN = Duration.ofMinutes(1);
    /** Records read per wanted event of a topic, at most. */
    public static final int RECORDS_PER_EVENT = 10_000;
    /** Records read per topic of one search, at most. */
    public static final int MAX_RECORDS = 200_000;
    /** How long one search may take. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(200);

    private final String service;
    private final Map<String, Object> clientConfig;
    private final Function<RecordedEvent, Optional<String>> destinations;

    /**
     * @param service      this service's name, as the relay writes it in {@link EventHeaders#SOURCE}
     * @param clientConfig Kafka client settings (at least {@code bootstrap.servers})
     * @param destinations the topic the relay sends an event to, empty for an event it keeps private
     */
    public OpsKafkaRecords(String service, Map<String, Object> clientConfig,
                           Function<RecordedEvent, Optional<String>> destinations) {
        this.service = Objects.requireNonNull(service, "service");
        this.clientConfig = Map.copyOf(clientConfig);
        this.destinations = Objects.requireNonNull(destinations, "destinations");
    }

    /** For a service without a relay: every event stays private, no broker is asked. */
    public static OpsKafkaRecords none(String service) {
        return new OpsKafkaRecords(service, Map.of(), event -> Optional.empty());
    }

    /** Where a record is on Kafka. */
    public record KafkaRecord(String topic, int partition, long offset, Instant timestamp) {
    }

    /**
     * What a search found.
     *
     * @param records the records found, by event position; an event kept private or not found is absent
     * @param error   why the search may have missed records (a broker error, a bound reached), or null
     */
    public record Found(Map<Long, KafkaRecord> records, @Nullable String error) {

        /** The record of the event at {@code position}, or null. */
        public @Nullable KafkaRecord at(long position) {
            return records.get(position);
        }
    }

    /** The topic the relay sends {@code event} to, or empty if it keeps the event private. */
    public Optional<String> destinationOf(RecordedEvent event) {
        return destinations.apply(event);
    }

    /** The records of {@code events}: one consumer, one forward read per topic. */
    public Found find(Collection<RecordedEvent> events) {
        Map<String, List<RecordedEvent>> byTopic = new LinkedHashMap<>();
        for (RecordedEvent event : events) {
            destinations.apply(event).ifPresent(topic -> byTopic.computeIfAbsent(topic, t -> new ArrayList<>())
                    .add(event));
        }
        if (byTopic.isEmpty()) {
            return new Found(Map.of(), null);
        }
        Map<Long, KafkaRecord> found = new HashMap<>();
        List<String> errors = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            consumer = consumer();
            for (Map.Entry<String, List<RecordedEvent>> topic : byTopic.entrySet()) {
                String stopped = search(consumer, topic.getKey(), topic.getValue(), found, deadline);
                if (stopped != null) {
                    errors.add(stopped);
                }
            }
        } catch (KafkaException e) {
            errors.add("Kafka: " + e.getMessage());
        } finally {
            if (consumer != null) {
                // a reader of no group has nothing to commit or leave: its close need not wait (50 ms otherwise)
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            }
        }
        return new Found(Map.copyOf(found), errors.isEmpty() ? null : String.join("; ", errors));
    }

    /** Searches one topic for {@code wanted}; answers why it stopped early, or null. */
    private @Nullable String search(KafkaConsumer<byte[], byte[]> consumer, String topic, List<RecordedEvent> wanted,
                                    Map<Long, KafkaRecord> found, long deadline) {
        Map<Long, RecordedEvent> pending = new HashMap<>();
        Instant earliest = Instant.MAX;
        Instant latest = Instant.MIN;
        long highest = -1;
        for (RecordedEvent event : wanted) {
            pending.put(event.position(), event);
            Instant at = event.metadata().timestamp();
            earliest = at.isBefore(earliest) ? at : earliest;
            latest = at.isAfter(latest) ? at : latest;
            highest = Math.max(highest, event.position());
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
        if (infos == null || infos.isEmpty()) {
            return null;
        }
        long from = Math.max(0, earliest.minus(CLOCK_SLACK).toEpochMilli());
        Map<TopicPartition, Long> query = new HashMap<>();
        for (PartitionInfo info : infos) {
            query.put(new TopicPartition(topic, info.partition()), from);
        }
        // assigned before the offsets are asked for: the client warns of answers for partitions it does not hold
        consumer.assign(query.keySet());
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, remaining(deadline));
        Map<TopicPartition, Long> ends = consumer.endOffsets(query.keySet(), remaining(deadline));
        Set<TopicPartition> reading = new HashSet<>();
        for (TopicPartition partition : query.keySet()) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start != null && start.offset() < ends.get(partition)) {
                reading.add(partition);
                consumer.seek(partition, start.offset());
            } else {
                consumer.pause(List.of(partition));
            }
        }
        long pastMillis = latest.plus(PAST_MARGIN).toEpochMilli();
        long bound = Math.min(MAX_RECORDS, (long) RECORDS_PER_EVENT * wanted.size());
        long read = 0;
        while (!reading.isEmpty() && !pending.isEmpty() && read < bound && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (TopicPartition partition : records.partitions()) {
                if (!reading.contains(partition)) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    read++;
                    long position = positionOf(record);
                    RecordedEvent event = position < 0 ? null : pending.get(position);
                    if (event != null && Arrays.equals(record.key(),
                            event.streamId().getBytes(StandardCharsets.UTF_8))) {
                        pending.remove(position);
                        found.put(position, new KafkaRecord(record.topic(), record.partition(), record.offset(),
                                Instant.ofEpochMilli(record.timestamp())));
                    }
                    boolean past = position > highest && record.timestamp() > pastMillis;
                    if (past || record.offset() + 1 >= ends.get(partition)) {
                        reading.remove(partition);
                        consumer.pause(List.of(partition));
                        break;
                    }
                }
            }
        }
        if (pending.isEmpty() || reading.isEmpty()) {
            return null;
        }
        return "the search of " + topic + " stopped after " + read + " records"
                + (System.nanoTime() >= deadline ? " (" + PATIENCE.toSeconds() + " s)" : "") + " with " + pending.size()
                + " of " + wanted.size() + " events not found";
    }

    /** The source position of a record this service's relay sent, else -1. */
    private long positionOf(ConsumerRecord<byte[], byte[]> record) {
        if (!service.equals(text(record.headers().lastHeader(EventHeaders.SOURCE)))) {
            return -1;
        }
        String position = text(record.headers().lastHeader(EventHeaders.SOURCE_POSITION));
        try {
            return position == null ? -1 : Long.parseLong(position);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static @Nullable String text(@Nullable Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventshop-ops-records-" + service);
        // it reads what is there and stops at the end offsets taken first: no point waiting at the broker for more
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
