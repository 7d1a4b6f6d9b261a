package eventshop.launcher.load;

import eventshop.contracts.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The load run's one subscription to {@code orders.events}: a plain Kafka consumer with no group (nothing
 * committed, nothing left behind in the broker), every partition assigned by hand and read from its end
 * as it was when the subscription opened (partitions that appear later from their beginning), each
 * record handed on as a {@link Outcomes.StatusEvent}. The store does for it what it does for any other
 * consumer of the topic: fetches.
 */
final class OrderEvents implements AutoCloseable {

    static final String TOPIC = "orders.events";

    private static final Logger log = LoggerFactory.getLogger(OrderEvents.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration REFRESH = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> kafka;
    private final Consumer<Outcomes.StatusEvent> sink;
    private final Thread thread;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private volatile boolean closed;
    private volatile RuntimeException failure;
    private volatile long records;

    /** Opens the subscription (positioned at the end of the topic) and starts reading on its own thread. */
    OrderEvents(String bootstrap, Consumer<Outcomes.StatusEvent> sink) {
        this.kafka = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "store-load", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.sink = sink;
        try {
            refresh(true);
        } catch (RuntimeException e) {
            kafka.close(Duration.ZERO);
            throw new IllegalStateException("cannot read " + TOPIC + " from the broker at " + bootstrap + ": " + e, e);
        }
        this.thread = Thread.ofPlatform().name("store-load-orders-events").daemon().start(this::loop);
    }

    /** Assigns the topic's partitions; those there at the start are read from their end, new ones from the beginning. */
    private void refresh(boolean atStart) {
        List<TopicPartition> partitions = kafka.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        Set<TopicPartition> added = new HashSet<>(partitions);
        added.removeAll(assigned);
        if (added.isEmpty()) {
            return;
        }
        assigned.addAll(added);
        kafka.assign(assigned);
        if (atStart) {
            kafka.seekToEnd(added);
            added.forEach(kafka::position); // fix the end now, not at the first poll
        } else {
            kafka.seekToBeginning(added);
        }
    }

    private void loop() {
        long nextRefresh = System.nanoTime() + REFRESH.toNanos();
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : kafka.poll(Duration.ofMillis(100))) {
                    records++;
                    Outcomes.StatusEvent event = parse(record);
                    if (event != null) {
                        sink.accept(event);
                    }
                }
                if (System.nanoTime() > nextRefresh) {
                    try {
                        refresh(false);
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        // the broker is away (the store restarting): the partitions are asked again at the next refresh
                        log.debug("store load: cannot list the partitions of {} now", TOPIC, e);
                    }
                    nextRefresh = System.nanoTime() + REFRESH.toNanos();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            log.error("store load: reading {} failed", TOPIC, e);
        } finally {
            kafka.close(Duration.ofSeconds(1));
        }
    }

    /** The status event in a record, or null if it is not one (no type, no order id). */
    static Outcomes.StatusEvent parse(ConsumerRecord<byte[], byte[]> record) {
        String type = header(record, EventEnvelope.EVENT_TYPE);
        String stream = header(record, EventEnvelope.STREAM_ID);
        String position = header(record, EventEnvelope.SOURCE_POSITION);
        String timestamp = header(record, EventEnvelope.EVENT_TIMESTAMP);
        if (type == null || stream == null || position == null || timestamp == null || record.value() == null) {
            return null;
        }
        try {
            JsonNode data = JSON.readTree(record.value());
            String orderId = data.path("orderId").asString(null);
            if (orderId == null) {
                return null;
            }
            String reason = data.path("reason").asString(null);
            return new Outcomes.StatusEvent(orderId, type, reason, Instant.parse(timestamp), Long.parseLong(position), stream);
        } catch (RuntimeException notAnEvent) {
            return null;
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Records read so far (any type). */
    long records() {
        return records;
    }

    /** The failure that stopped the reading, or null. */
    RuntimeException failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        kafka.wakeup();
        thread.join(5_000);
    }
}
