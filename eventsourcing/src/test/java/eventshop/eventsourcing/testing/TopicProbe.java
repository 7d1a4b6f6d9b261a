package eventshop.eventsourcing.testing;

import eventshop.eventsourcing.relay.EventHeaders;
import eventshop.kafka.broker.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.messaging.Message;

/**
 * A client for tests that drive a service over a real broker ({@link InProcessKafka}): sends
 * records (waiting for the broker's acknowledgement) and reads a topic from its beginning, until
 * enough records match or up to its end. String keys, byte-array values.
 *
 * <p>Thread-safety: {@link #send} from any thread; each read uses a consumer of its own.
 */
public final class TopicProbe implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;

    public TopicProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code record} and waits until the broker has acknowledged it. */
    public void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("sending to " + record.topic() + " failed", e.getCause());
        }
    }

    /** Sends {@code value} to {@code topic} keyed {@code key}, with {@code headers} as UTF-8 text, and waits for the ack. */
    public void send(String topic, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        send(record);
    }

    /**
     * Sends {@code message} to {@code topic} as a relay publishes it: keyed by its stream, its text headers
     * (but the message's own {@code id} and {@code timestamp}) as record headers.
     */
    public void send(String topic, Message<byte[]> message) {
        String stream = (String) message.getHeaders().get(EventHeaders.STREAM_ID);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, stream, message.getPayload());
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof String text && !name.equals("id") && !name.equals("timestamp")) {
                record.headers().add(name, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        send(record);
    }

    /**
     * Reads {@code topic} from its beginning until {@code count} records match (answering all that
     * matched by then), waiting for the topic to exist; fails with an {@link AssertionError} after
     * {@code patience}.
     */
    public List<ConsumerRecord<String, byte[]>> await(String topic, int count,
                                                      Predicate<ConsumerRecord<String, byte[]>> matching,
                                                      Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (matching.test(record)) {
                        found.add(record);
                    }
                }
                if (found.size() >= count) {
                    return found;
                }
            }
            throw new AssertionError(found.size() + " of " + count + " records on " + topic + " within " + patience);
        }
    }

    /**
     * Every record on {@code topic} now: read from its beginning to the end offsets taken at the start; fails with an
     * {@link AssertionError} if the end is not reached within 30 seconds (never a silently shorter list).
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            for (TopicPartition partition : partitions) {
                if (consumer.position(partition) < ends.get(partition)) {
                    throw new AssertionError("read " + partition + " up to " + consumer.position(partition) + " of "
                            + ends.get(partition) + " within 30 s");
                }
            }
            return records;
        }
    }

    /** The last value of header {@code name} as UTF-8 text, or null if the record has none. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Whether a record is keyed {@code key}. */
    public static Predicate<ConsumerRecord<String, byte[]>> keyed(String key) {
        return record -> key.equals(record.key());
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        producer.close();
    }
}
