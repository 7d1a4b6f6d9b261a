package eventshop.web.ops;

import eventshop.web.ops.Correlations.Correlated;
import eventshop.web.ops.Correlations.ServiceError;
import eventshop.web.ops.Correlations.Story;
import eventshop.web.ops.OpsApi.Event;
import eventshop.web.ops.OpsApi.KafkaRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A checkout's saga across services: every event of the order's correlation in time order, each with the event it
 * answers (its causation id names its cause's event id, in whichever service's log: a consumer records the
 * incoming event's id as the causation of what it appends), the time since that cause (the hop), and what kind of
 * step it is:
 * <ul>
 *   <li>{@code compensation}: it undoes an earlier step ({@code StockReleased}, {@code PaymentRefunded},
 *       {@code OrderCancelled}, any {@code ...Released}, {@code ...Refunded}, {@code ...Cancelled});</li>
 *   <li>{@code retry}: a type naming a retry, or a request the same service already made in this saga;</li>
 *   <li>{@code command}: it asks another service for something (a {@code ...Requested} type, or the relay put it
 *       on a commands topic);</li>
 *   <li>{@code reply}: its cause is in another service's log;</li>
 *   <li>{@code step}: anything else (a service's own next step).</li>
 * </ul>
 */
public record SagaTimeline(String orderId, String correlationId, @Nullable Instant startedAt, List<Step> steps,
                           List<ServiceError> errors) {

    public static final String COMMAND = "command";
    public static final String REPLY = "reply";
    public static final String RETRY = "retry";
    public static final String COMPENSATION = "compensation";
    public static final String STEP = "step";

    private static final Set<String> COMPENSATIONS = Set.of("StockReleased", "PaymentRefunded", "OrderCancelled");

    /** The event a step answers. */
    public record Cause(String service, long position, String type, String eventId) {
    }

    /**
     * One event of the saga.
     *
     * @param sinceStartMillis ms since the saga's first event
     * @param cause            the event it answers, null if its cause is not among the saga's events
     * @param sinceCauseMillis ms since that cause (the hop), null without one
     */
    public record Step(String service, long position, String type, String kind, Instant recordedAt,
                       long sinceStartMillis, @Nullable Cause cause, @Nullable Long sinceCauseMillis, Event event,
                       @Nullable KafkaRecord record) {
    }

    /** The timeline of the order whose correlation is {@code story}. */
    public static SagaTimeline of(String orderId, Story story) {
        Map<String, Correlated> byEventId = new HashMap<>();
        story.events().forEach(correlated -> byEventId.putIfAbsent(correlated.event().eventId(), correlated));
        Instant start = story.events().isEmpty() ? null : story.events().getFirst().event().recordedAt();
        Set<String> requested = new HashSet<>();
        List<Step> steps = new ArrayList<>();
        for (Correlated correlated : story.events()) {
            Event event = correlated.event();
            Correlated cause = event.causationId() == null ? null : byEventId.get(event.causationId());
            if (cause == correlated) {
                cause = null;
            }
            String kind = kind(correlated, cause, requested);
            steps.add(new Step(correlated.service(), correlated.position(), event.type(), kind, event.recordedAt(),
                    millis(start, event.recordedAt()),
                    cause == null ? null : new Cause(cause.service(), cause.position(), cause.event().type(),
                            cause.event().eventId()),
                    cause == null ? null : millis(cause.event().recordedAt(), event.recordedAt()),
                    event, correlated.record()));
        }
        return new SagaTimeline(orderId, story.correlationId(), start, List.copyOf(steps), story.errors());
    }

    private static String kind(Correlated correlated, @Nullable Correlated cause, Set<String> requested) {
        String type = correlated.event().type();
        boolean command = type.endsWith("Requested")
                || correlated.record() != null && correlated.record().topic().endsWith(".commands");
        boolean repeated = command && !requested.add(correlated.service() + " " + type);
        if (COMPENSATIONS.contains(type) || type.endsWith("Released") || type.endsWith("Refunded")
                || type.endsWith("Cancelled")) {
            return COMPENSATION;
        }
        if (type.contains("Retr") || repeated) {
            return RETRY;
        }
        if (command) {
            return COMMAND;
        }
        if (cause != null && !cause.service().equals(correlated.service())) {
            return REPLY;
        }
        return STEP;
    }

    private static long millis(@Nullable Instant from, Instant to) {
        return from == null ? 0 : Duration.between(from, to).toMillis();
    }

    /** The count of steps of {@code kind}. */
    public long count(String kind) {
        return steps.stream().filter(step -> step.kind().equals(kind)).count();
    }
}
