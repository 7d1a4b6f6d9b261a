package eventshop.views.feed;

import eventshop.eventsourcing.consuming.ConsumerProgress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.views.*}: what the views read and how.
 *
 * @param topics           the topics the views are built from; the source service of {@code <svc>.events} is
 *                         {@code <svc>} (the service whose consistency tokens the views honour)
 * @param batchSize        records applied in one transaction at most ({@code max.poll.records})
 * @param pollTimeout      how long one poll waits for records
 * @param partitionRefresh how often the consumers look for new topics and partitions
 * @param retryInitial     pause after a failed batch, doubling up to {@code retryMax}
 * @param retryMax         longest pause between retries of a failed batch
 * @param dropAfter        how long a retired generation's tables stay (for queries still running on them)
 * @param consumer         extra Kafka consumer settings (security, client id, ...)
 */
@ConfigurationProperties("eventshop.views")
public record ViewsProperties(
        @DefaultValue({"accounts.events", "catalog.events", "inventory.events", "orders.events", "payments.events",
                "carts.events"}) List<String> topics,
        @DefaultValue("500") int batchSize,
        @DefaultValue("100ms") Duration pollTimeout,
        @DefaultValue("5s") Duration partitionRefresh,
        @DefaultValue("200ms") Duration retryInitial,
        @DefaultValue("10s") Duration retryMax,
        @DefaultValue("5s") Duration dropAfter,
        Map<String, String> consumer) {

    public ViewsProperties {
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
        topics = List.copyOf(topics);
        for (String topic : topics) {
            if (ConsumerProgress.sourceOf(topic) == null) {
                throw new IllegalArgumentException("eventshop.views.topics: '" + topic + "' is not a <service>.events topic");
            }
        }
    }

    /** The service publishing {@code topic}: {@code orders} for {@code orders.events}. */
    public static String sourceOf(String topic) {
        String source = ConsumerProgress.sourceOf(topic);
        if (source == null) {
            throw new IllegalArgumentException("'" + topic + "' is not a <service>.events topic");
        }
        return source;
    }
}
