package eventshop.launcher;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka consumer interceptor that makes a consumer late, for tests: while {@link #on} is set, every
 * poll that returned records holds them back for a random 50–300 ms before the consumer gets to
 * process them. {@link SharedStore} puts it on the consumers downstream of the commands that
 * read-your-writes is about (orders' of carts.events, catalog's of inventory.events, carts' of
 * catalog.events, and the views' feed), through their configuration: no switch in production code.
 * Off unless a test turns it on (and off again when it ends). The delay is per poll, not per record, so
 * a late consumer still keeps up with the store's load.
 */
public final class SlowConsumer implements ConsumerInterceptor<Object, Object> {

    static volatile boolean on;
    /** How many polls were held back (to tell a test's delay really happened). */
    static final AtomicLong DELAYED = new AtomicLong();

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (on && !records.isEmpty()) {
            DELAYED.incrementAndGet();
            try {
                Thread.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(50, 301)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
