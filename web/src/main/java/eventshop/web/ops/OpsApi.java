package eventshop.web.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The shapes of the operations endpoints' answers and requests that the console reads and sends
 * (docs/operations.md): the services' {@code /api/ops/<service>/...}, orders' sagas and edge's breakers, as web's
 * own records. Unknown members are ignored; a missing list is empty. Event data and aggregate state stay JSON
 * ({@link JsonNode}), masked as the services sent them.
 */
public final class OpsApi {

    private OpsApi() {
    }

    // ---- overview

    /** Events appended in the second starting {@code at}. */
    public record RatePoint(Instant at, long events) {
    }

    public record Relay(String state, long position, long checkpoint, long head, long lag, long inFlight,
                        long published, @Nullable String lastError, @Nullable Instant lastErrorAt) {
    }

    public record PartitionLag(int partition, long committed, long end, long lag, long processed,
                               @Nullable Boolean assigned) {
    }

    public record ConsumerGroup(String binding, String group, String topic, long lag, List<PartitionLag> partitions) {

        public ConsumerGroup {
            partitions = listOf(partitions);
        }
    }

    /** One generation of a read model's tables, as {@code ProjectionStatus} describes it. */
    public record Generation(int generation, String state, long checkpoint, long lag, int failures,
                             @Nullable String lastError, long target, long reached, double progress) {
    }

    /**
     * A read model's status ({@code ProjectionStatus}), with the rate it applies events at and the time a running
     * rebuild still needs (null when none runs).
     */
    public record Projection(String name, String state, boolean ready, long head, long lag, Generation active,
                             @Nullable Generation rebuild, @Nullable Double rate, @Nullable Double remainingSeconds) {
    }

    public record ParkedCount(String topic, long pending) {
    }

    /** One service's {@code GET /api/ops/<service>/overview}; {@code relay} is null for a service without one. */
    public record ServiceOverview(String service, @Nullable Instant at, long head, List<RatePoint> rate,
                                  @Nullable Relay relay, List<ConsumerGroup> consumers, List<Projection> projections,
                                  List<ParkedCount> parked) {

        public ServiceOverview {
            rate = listOf(rate);
            consumers = listOf(consumers);
            projections = listOf(projections);
            parked = listOf(parked);
        }
    }

    /** One of edge's circuit breakers; a rate is -1 while the breaker has too few calls to judge. */
    public record Breaker(String route, String state, double failureRate, double slowCallRate, int bufferedCalls,
                          int failedCalls, long notPermittedCalls) {
    }

    // ---- the log

    /** An event of a service's log, its data masked ({@code masked}: the JSON pointers of the masked fields). */
    public record Event(long position, String streamId, long version, String type, String eventId,
                        Instant recordedAt, @Nullable String correlationId, @Nullable String causationId,
                        @Nullable String actingUser, int schemaVersion, Map<String, String> headers,
                        @Nullable JsonNode data, List<String> masked) {

        public Event {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            masked = listOf(masked);
        }

        /** The data as indented JSON. */
        public String dataJson() {
            return pretty(data);
        }

        /** The data as JSON on one line. */
        public String dataLine() {
            return compact(data);
        }
    }

    /** Where the relay put an event on Kafka. */
    public record KafkaRecord(String topic, int partition, long offset, @Nullable Instant timestamp) {
    }

    /** An event and its Kafka record (null for an event the relay keeps private or has not sent yet). */
    public record EventRecord(Event event, @Nullable KafkaRecord record) {
    }

    /** A page of the log; {@code older} and {@code newer} are the cursors for the pages either side (null at an end). */
    public record EventPage(String service, long head, long scanned, List<Event> events, @Nullable Long older,
                            @Nullable Long newer) {

        public EventPage {
            events = listOf(events);
        }
    }

    /** One service's events of a correlation. */
    public record Correlation(String service, List<EventRecord> events) {

        public Correlation {
            events = listOf(events);
        }
    }

    public record Change(String path, @Nullable JsonNode before, @Nullable JsonNode after) {

        public String beforeJson() {
            return compact(before);
        }

        public String afterJson() {
            return compact(after);
        }
    }

    /** A stream and its aggregate's state at {@code version}, with what changed from the version before. */
    public record StreamView(String service, String streamId, @Nullable String aggregate, long lastVersion,
                             long version, List<Event> events, @Nullable JsonNode state, @Nullable String stateType,
                             @Nullable JsonNode previous, List<Change> changes) {

        public StreamView {
            events = listOf(events);
            changes = listOf(changes);
        }

        public String stateJson() {
            return pretty(state);
        }

        public String previousJson() {
            return pretty(previous);
        }
    }

    public record Unmasked(long position, String field, @Nullable JsonNode value) {

        public String valueText() {
            return value == null || value.isNull() ? "null" : value.isString() ? value.asString() : value.toString();
        }
    }

    public record Field(String field) {
    }

    // ---- read models

    public record Replica(int generation, String role, long checkpoint, long rows, String sha256) {
    }

    public record Replicas(String name, List<Replica> replicas, boolean converged) {

        public Replicas {
            replicas = listOf(replicas);
        }
    }

    public record RebuildPlan(String name, long events) {
    }

    public record Confirm(long confirm) {
    }

    // ---- parked messages

    /** A message a consumer gave up on ({@code ParkedMessage}), with what became of it. */
    public record Parked(String id, String deadLetterTopic, int partition, long offset, @Nullable String key,
                         String originalTopic, int originalPartition, long originalOffset, @Nullable String error,
                         @Nullable String errorType, Map<String, String> headers, @Nullable String payload,
                         int payloadBytes, @Nullable Instant parkedAt, @Nullable Instant replayedAt, String status,
                         @Nullable String discardReason, @Nullable String handledBy) {

        public Parked {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public boolean pending() {
            return "PENDING".equals(status);
        }
    }

    public record ParkedTopic(String topic, long pending, long replayed, long discarded, List<Parked> messages) {

        public ParkedTopic {
            messages = listOf(messages);
        }
    }

    /** A replay-all job. */
    public record ReplayJob(String id, String topic, long total, long done, String state, @Nullable String error) {

        public boolean running() {
            return "RUNNING".equals(state);
        }

        /** Done of total in percent, 0..100. */
        public int percent() {
            return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        }
    }

    public record ReplayOne(String id) {
    }

    public record ReplayAll(String topic, @Nullable Long upTo, int chunk) {
    }

    public record Discard(String id, String reason) {
    }

    // ---- sagas

    /** An order as orders' sagas list it; {@code deadline} and {@code overdueSeconds} for a stuck one. */
    public record Saga(String orderId, @Nullable String customerId, String status, @Nullable Instant placedAt,
                       @Nullable Instant updatedAt, @Nullable String correlationId, @Nullable Instant deadline,
                       @Nullable Long overdueSeconds) {
    }

    // ----

    private static <T> List<T> listOf(@Nullable List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    static String pretty(@Nullable JsonNode json) {
        return json == null || json.isMissingNode() ? "" : json.toPrettyString();
    }

    static String compact(@Nullable JsonNode json) {
        return json == null || json.isMissingNode() ? "(none)" : json.toString();
    }
}
