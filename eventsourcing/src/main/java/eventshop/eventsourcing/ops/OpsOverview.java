package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.consuming.ConsumerLags;
import eventshop.eventsourcing.consuming.ParkedMessages;
import eventshop.eventsourcing.relay.LogRelay;
import eventshop.eventstore.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/ops/<service>/overview} (docs/operations.md): the service's log head and append rate, its relay,
 * its consumers' lag, its read models and its parked messages, on one page the console polls every 2 s while load
 * runs. So it is cheap:
 *
 * <ul>
 *   <li>the head and the relay's, read models' and rates' figures are in memory ({@link OpsSampler} samples the
 *       head once a second, and only while someone looked at the overview in the last 5 minutes);</li>
 *   <li>the consumers' lag is asked of the broker at most every {@value #LAG_SECONDS} s, the parked counts at most
 *       every {@value #PARKED_SECONDS} s ({@link OpsOverviewCache}: an answer may be that old), with Kafka clients
 *       the service keeps rather than one per request.</li>
 * </ul>
 *
 * Each part is optional: a service without a relay answers {@code "relay": null}, one without consumers, read
 * models or dead-letter topics an empty list. A part that fails (the broker away, for the lag) is answered as the
 * error's text in its place, and the rest of the overview as usual.
 *
 * <p>Thread-safe.
 */
public final class OpsOverview {

    static final int LAG_SECONDS = 2;
    static final int PARKED_SECONDS = 5;

    /**
     * The overview.
     *
     * @param head        the log's last position
     * @param rate        events appended per second, the last 60 s (filled in over the first minute of looking)
     * @param relay       {@link LogRelay.Status}, null without a relay, or an error's text
     * @param consumers   {@link ConsumerLags.Lag}s, or an error's text
     * @param projections {@link OpsProjections.View}s, or an error's text
     * @param parked      {@link ParkedCount}s, or an error's text
     */
    public record Overview(String service, Instant at, long head, List<OpsSampler.Rate> rate, @Nullable Object relay,
                           Object consumers, Object projections, Object parked) {
    }

    /** The pending messages of one dead-letter topic. */
    public record ParkedCount(String topic, long pending) {
    }

    private final String service;
    private final EventStore store;
    private final OpsSampler sampler;
    private final @Nullable LogRelay relay;
    private final @Nullable OpsProjections projections;
    private final OpsOverviewCache<List<ConsumerLags.Lag>> consumers;
    private final OpsOverviewCache<List<ParkedCount>> parked;
    private final Clock clock;

    /**
     * @param relay       the service's relay, or null
     * @param lags        its consumers' lag, or null for a service without consumers
     * @param projections its read models, or null
     * @param parked      its parked messages, or null
     */
    public OpsOverview(String service, EventStore store, OpsSampler sampler, @Nullable LogRelay relay,
                       @Nullable ConsumerLags lags, @Nullable OpsProjections projections,
                       @Nullable ParkedMessages parked, Clock clock) {
        this.service = service;
        this.store = store;
        this.sampler = sampler;
        this.relay = relay;
        this.projections = projections;
        this.consumers = new OpsOverviewCache<>(lags == null ? List::of : lags::lags,
                Duration.ofSeconds(LAG_SECONDS), clock);
        this.parked = new OpsOverviewCache<>(parked == null ? List::of : () -> parked.topics().stream()
                .map(topic -> new ParkedCount(topic, parked.counts(topic).pending())).toList(),
                Duration.ofSeconds(PARKED_SECONDS), clock);
        this.clock = clock;
    }

    /** The overview now; looking keeps the rates sampled for the next 5 minutes. */
    public Overview overview() {
        sampler.touch();
        return new Overview(service, clock.instant(), store.headPosition(), sampler.appended(),
                relay == null ? null : part(relay::status), consumers.get(),
                projections == null ? List.of() : part(projections::statuses), parked.get());
    }

    private static Object part(Supplier<?> part) {
        try {
            return part.get();
        } catch (RuntimeException failed) {
            return error(failed);
        }
    }

    /** How a failed part is shown: the error's message, or its type when it has none. */
    static String error(RuntimeException failed) {
        String message = failed.getMessage();
        return message == null || message.isBlank() ? failed.getClass().getName() : message;
    }
}
