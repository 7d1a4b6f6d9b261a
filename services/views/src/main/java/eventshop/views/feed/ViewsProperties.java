package eventshop.views.feed;

import eventshop.eventsourcing.consuming.ConsumerProgress;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code eventshop.views.*}: what the views read. How they read it (batch size, poll timeout, partition
 * refresh, retries, when retired tables are dropped, extra consumer settings) is the projection
 * runtime's {@code eventshop.projections.*}.
 *
 * @param topics the topics the views are built from; the source service of {@code <svc>.events} is
 *               {@code <svc>} (the service whose consistency tokens the views honour)
 */
@ConfigurationProperties("eventshop.views")
public record ViewsProperties(
        @DefaultValue({"accounts.events", "catalog.events", "inventory.events", "orders.events", "payments.events",
                "carts.events"}) List<String> topics) {

    public ViewsProperties {
        topics = List.copyOf(topics);
        for (String topic : topics) {
            if (ConsumerProgress.sourceOf(topic) == null) {
                throw new IllegalArgumentException("eventshop.views.topics: '" + topic + "' is not a <service>.events topic");
            }
        }
    }
}
