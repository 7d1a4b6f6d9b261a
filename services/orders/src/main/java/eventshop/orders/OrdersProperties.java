package eventshop.orders;

import eventshop.orders.order.domain.Order;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code eventshop.orders.*}: the saga's timing.
 *
 * @param stepTimeout            how long a step waits for its reply before it is asked again (10 s)
 * @param maxAttempts            how often a forward step is asked before the order is cancelled TIMED_OUT (3)
 * @param compensationMaxBackoff the longest wait between two requests of a compensation (1 min)
 * @param carrierDelay           from shipment to delivery (2 s)
 * @param deadlinePoll           how often the scheduler looks for passed deadlines (200 ms)
 * @param deadlineScheduler      whether the scheduler runs (tests drive it by hand)
 * @param snapshotEvery          a snapshot of an order every this many events (100; 0 for none). An order's saga
 *                               is a dozen events, but a compensation retried until its service answers (every
 *                               {@code compensationMaxBackoff}) grows its stream without bound
 */
@ConfigurationProperties("eventshop.orders")
public record OrdersProperties(Duration stepTimeout, Integer maxAttempts, Duration compensationMaxBackoff,
                               Duration carrierDelay, Duration deadlinePoll, Boolean deadlineScheduler,
                               Integer snapshotEvery) {

    /** Snapshot interval unless {@code eventshop.orders.snapshot-every} says otherwise. */
    public static final int DEFAULT_SNAPSHOT_EVERY = 100;


    public OrdersProperties {
        stepTimeout = stepTimeout == null ? Order.Policy.DEFAULT.stepTimeout() : stepTimeout;
        maxAttempts = maxAttempts == null ? Order.Policy.DEFAULT.maxAttempts() : maxAttempts;
        compensationMaxBackoff = compensationMaxBackoff == null
                ? Order.Policy.DEFAULT.compensationMaxBackoff() : compensationMaxBackoff;
        carrierDelay = carrierDelay == null ? Order.Policy.DEFAULT.carrierDelay() : carrierDelay;
        deadlinePoll = deadlinePoll == null ? Duration.ofMillis(200) : deadlinePoll;
        deadlineScheduler = deadlineScheduler == null || deadlineScheduler;
        snapshotEvery = snapshotEvery == null ? DEFAULT_SNAPSHOT_EVERY : snapshotEvery;
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("eventshop.orders.snapshot-every must be >= 0, was " + snapshotEvery);
        }
    }

    public Order.Policy policy() {
        return new Order.Policy(stepTimeout, maxAttempts, compensationMaxBackoff, carrierDelay);
    }
}
