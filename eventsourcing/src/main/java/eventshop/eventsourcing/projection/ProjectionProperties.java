package eventshop.eventsourcing.projection;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.projections.*}: how projection runners work.
 *
 * @param batchSize        at most this many events are applied per transaction (default 500); a
 *                         runner takes whatever is available up to this
 * @param retryInitial     the first pause after a failed batch (default 200 ms); it doubles with every
 *                         further failure
 * @param retryMax         the longest pause between retries (default 30 s)
 * @param dropAfter        how long the tables of a replaced generation stay for queries still running
 *                         on them before they are dropped (default 1 min)
 * @param handoverWait     how long the current generation pauses at most for a caught-up rebuild to
 *                         reach its position before switching (default 5 s; it tries again later)
 * @param pollTimeout      topic projections: how long one poll of the topics waits for records (default 100 ms)
 * @param partitionRefresh topic projections: how often they look for new topics and partitions (default 5 s)
 * @param consumer         topic projections: Kafka consumer settings on top of the binder's
 *                         ({@code spring.cloud.stream.kafka.binder.configuration}), e.g. a client id or
 *                         an interceptor
 */
@ConfigurationProperties("eventshop.projections")
public record ProjectionProperties(@DefaultValue("500") int batchSize,
                                   @DefaultValue("200ms") Duration retryInitial,
                                   @DefaultValue("30s") Duration retryMax,
                                   @DefaultValue("1m") Duration dropAfter,
                                   @DefaultValue("5s") Duration handoverWait,
                                   @DefaultValue("100ms") Duration pollTimeout,
                                   @DefaultValue("5s") Duration partitionRefresh,
                                   Map<String, String> consumer) {

    public ProjectionProperties {
        if (batchSize < 1) {
            throw new IllegalArgumentException("eventshop.projections.batch-size must be >= 1, was " + batchSize);
        }
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
    }

    /** The defaults, as documented above. */
    public static ProjectionProperties defaults() {
        return new ProjectionProperties(500, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMinutes(1),
                Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(5), Map.of());
    }

    public ProjectionProperties withBatchSize(int batchSize) {
        return new ProjectionProperties(batchSize, retryInitial, retryMax, dropAfter, handoverWait, pollTimeout,
                partitionRefresh, consumer);
    }

    public ProjectionProperties withRetry(Duration initial, Duration max) {
        return new ProjectionProperties(batchSize, initial, max, dropAfter, handoverWait, pollTimeout,
                partitionRefresh, consumer);
    }

    public ProjectionProperties withDropAfter(Duration dropAfter) {
        return new ProjectionProperties(batchSize, retryInitial, retryMax, dropAfter, handoverWait, pollTimeout,
                partitionRefresh, consumer);
    }

    public ProjectionProperties withPartitionRefresh(Duration partitionRefresh) {
        return new ProjectionProperties(batchSize, retryInitial, retryMax, dropAfter, handoverWait, pollTimeout,
                partitionRefresh, consumer);
    }
}
