package eventshop.eventsourcing.consuming;

import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * A rebalance listener that a container already had ({@code delegate}, may be null) followed by one more: each
 * event goes to the delegate first (as the consumer-aware or the plain Kafka listener it is), then to this
 * listener's hook. The starter chains its rebalance work onto a container's listener this way
 * ({@link ConsumerOffsets}, {@link ConsumerProgressTracking}).
 */
abstract class ChainedRebalanceListener implements ConsumerAwareRebalanceListener {

    private final @Nullable ConsumerRebalanceListener delegate;

    ChainedRebalanceListener(@Nullable ConsumerRebalanceListener delegate) {
        this.delegate = delegate;
    }

    /** After the delegate heard of partitions revoked, before the container commits their offsets. */
    void revokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    }

    /** After the delegate heard of partitions revoked, once their offsets are committed. */
    void revokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    }

    /** After the delegate heard of partitions lost (no commit possible). */
    void lost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    }

    /** After the delegate heard of partitions assigned. */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    }

    @Override
    public final void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (delegate instanceof ConsumerAwareRebalanceListener aware) {
            aware.onPartitionsRevokedBeforeCommit(consumer, partitions);
        } else if (delegate != null) {
            delegate.onPartitionsRevoked(partitions);
        }
        revokedBeforeCommit(consumer, partitions);
    }

    @Override
    public final void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (delegate instanceof ConsumerAwareRebalanceListener aware) {
            aware.onPartitionsRevokedAfterCommit(consumer, partitions);
        }
        revokedAfterCommit(consumer, partitions);
    }

    @Override
    public final void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (delegate instanceof ConsumerAwareRebalanceListener aware) {
            aware.onPartitionsLost(consumer, partitions);
        } else if (delegate != null) {
            delegate.onPartitionsLost(partitions);
        }
        lost(consumer, partitions);
    }

    @Override
    public final void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (delegate instanceof ConsumerAwareRebalanceListener aware) {
            aware.onPartitionsAssigned(consumer, partitions);
        } else if (delegate != null) {
            delegate.onPartitionsAssigned(partitions);
        }
        assigned(consumer, partitions);
    }
}
