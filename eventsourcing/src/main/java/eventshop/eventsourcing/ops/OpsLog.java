package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.RecordedEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The operations console's log explorer over a service's event store (docs/operations.md,
 * {@code GET /api/ops/<service>/events}): the log a page at a time, forwards from a position ({@code after}),
 * backwards from one ({@code before}) or the newest page, filtered by stream prefix, types, time and
 * correlation; one event by position; every event of a correlation; and the audited unmask of one field.
 *
 * <p>Every page lists its events ascending by position. A filtered page reads the log in chunks (backwards by
 * reading windows below the position reached and walking them down, since the store only reads forwards) and
 * examines at most {@link #SCAN_LIMIT} events: where it stops, its cursor continues the scan, so a rare match is
 * found by following cursors, each request bounded. Events are shown as {@link OpsEvent}s (personal data
 * masked).
 *
 * <p>Thread-safe: it keeps no state of its own beyond its settings.
 */
public final class OpsLog {

    /** The most events a page may ask for. */
    public static final int MAX_LIMIT = 200;
    /** A page's size unless it asks for another. */
    public static final int DEFAULT_LIMIT = 50;
    /** The most events one filtered page examines. */
    public static final int SCAN_LIMIT = 200_000;
    /** Events read at once while scanning. */
    static final int CHUNK = 2_048;

    private final String service;
    private final EventStore store;
    private final PersonalData personal;
    private final OpsAudit audit;
    private final int scanLimit;

    public OpsLog(String service, EventStore store, PersonalData personal, OpsAudit audit) {
        this(service, store, personal, audit, SCAN_LIMIT);
    }

    /** With a scan limit of its own (tests). */
    OpsLog(String service, EventStore store, PersonalData personal, OpsAudit audit, int scanLimit) {
        if (scanLimit < 1) {
            throw new IllegalArgumentException("the scan limit must be >= 1");
        }
        this.service = Objects.requireNonNull(service, "service");
        this.store = Objects.requireNonNull(store, "store");
        this.personal = Objects.requireNonNull(personal, "personal");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.scanLimit = scanLimit;
    }

    /**
     * What a page shows of the log; every filter is optional (null or empty: none), all of them combined.
     *
     * @param streamPrefix the events of streams whose id starts with this
     * @param types        the events of these types
     * @param since        the events recorded at or after this instant
     * @param until        the events recorded before this instant
     * @param correlation  the events of this correlation id (exact)
     */
    public record Filter(@Nullable String streamPrefix, Set<String> types, @Nullable Instant since,
                         @Nullable Instant until, @Nullable String correlation) {

        /** Every event. */
        public static final Filter NONE = new Filter(null, Set.of(), null, null, null);

        public Filter {
            streamPrefix = streamPrefix == null || streamPrefix.isEmpty() ? null : streamPrefix;
            types = types == null ? Set.of() : Set.copyOf(types);
            correlation = correlation == null || correlation.isEmpty() ? null : correlation;
            if (since != null && until != null && until.isBefore(since)) {
                throw new InvalidRequest("until (" + until + ") is before since (" + since + ")");
            }
        }

        /** Whether this filter lets every event through. */
        public boolean isEmpty() {
            return streamPrefix == null && types.isEmpty() && since == null && until == null && correlation == null;
        }

        /** Whether {@code event} passes. */
        public boolean test(RecordedEvent event) {
            Instant at = event.metadata().timestamp();
            return (streamPrefix == null || event.streamId().startsWith(streamPrefix))
                    && (types.isEmpty() || types.contains(event.type()))
                    && (since == null || !at.isBefore(since))
                    && (until == null || at.isBefore(until))
                    && (correlation == null || correlation.equals(event.metadata().correlationId()));
        }
    }

    /**
     * A page request: the events after a position, before one, or (both null) the newest.
     *
     * @param after  the page of events after this position, ascending from it
     * @param before the page of events before this position, descending from it (listed ascending)
     * @param limit  1..{@link #MAX_LIMIT}
     */
    public record Query(@Nullable Long after, @Nullable Long before, int limit, Filter filter) {

        public Query {
            if (after != null && before != null) {
                throw new InvalidRequest("give after or before, not both");
            }
            if (after != null && after < 0 || before != null && before < 0) {
                throw new InvalidRequest("a position is >= 0, not " + (after != null ? after : before));
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new InvalidRequest("limit must be 1.." + MAX_LIMIT + ", not " + limit);
            }
            Objects.requireNonNull(filter, "filter");
        }

        /** The newest page, unfiltered. */
        public static Query newest(int limit) {
            return new Query(null, null, limit, Filter.NONE);
        }

        /**
         * A query from request parameters as given (null or empty: absent).
         *
         * @param types comma-separated event types
         * @param since an ISO-8601 instant ({@code 2026-12-07T02:00:00Z}, or with an offset)
         * @throws InvalidRequest for a malformed parameter: a position that is not a number or is negative, both
         *                        {@code after} and {@code before}, a limit outside 1..{@value #MAX_LIMIT}, an instant
         *                        that does not parse or an {@code until} before {@code since}
         */
        public static Query parse(@Nullable String after, @Nullable String before, @Nullable String limit,
                                  @Nullable String stream, @Nullable String types, @Nullable String since,
                                  @Nullable String until, @Nullable String correlation) {
            Set<String> typeSet = blank(types) ? Set.of() : Arrays.stream(types.split(",")).map(String::trim)
                    .filter(type -> !type.isEmpty()).collect(Collectors.toUnmodifiableSet());
            Long size = number("limit", limit);
            if (size != null && (size < 1 || size > MAX_LIMIT)) {
                throw new InvalidRequest("limit must be 1.." + MAX_LIMIT + ", not " + size);
            }
            return new Query(number("after", after), number("before", before),
                    size == null ? DEFAULT_LIMIT : size.intValue(),
                    new Filter(stream, typeSet, instant("since", since), instant("until", until), correlation));
        }

        private static boolean blank(@Nullable String value) {
            return value == null || value.isBlank();
        }

        private static @Nullable Long number(String name, @Nullable String value) {
            if (blank(value)) {
                return null;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRequest(name + " must be a whole number, not '" + value + "'");
            }
        }

        private static @Nullable Instant instant(String name, @Nullable String value) {
            if (blank(value)) {
                return null;
            }
            try {
                return Instant.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new InvalidRequest(name + " must be an ISO-8601 instant such as 2026-12-07T02:00:00Z, not '"
                        + value + "'");
            }
        }
    }

    /**
     * One page of the log.
     *
     * @param head    the log's last position when the page was read (-1: empty log)
     * @param scanned how many events the page examined to find its events
     * @param events  ascending by position
     * @param older   pass as {@code before} for the page below this one; null when the page reached position 0
     * @param newer   pass as {@code after} for the page above this one; null when the page reached the head (and
     *                for the empty page before position 0, which no cursor leads to)
     */
    public record Page(String service, long head, long scanned, List<OpsEvent> events, @Nullable Long older,
                       @Nullable Long newer) {
    }

    /** The page {@code query} asks for. */
    public Page page(Query query) {
        long head = store.headPosition();
        return query.after() != null ? forwards(query, head) : backwards(query, head);
    }

    private Page forwards(Query query, long head) {
        long start = query.after() + 1;
        long next = start;
        long scanned = 0;
        List<OpsEvent> events = new ArrayList<>();
        while (next <= head && events.size() < query.limit() && scanned < scanLimit) {
            int chunk = chunk(query, Math.min(head - next + 1, scanLimit - scanned));
            List<RecordedEvent> window = store.readAll(next, chunk).collectList().block();
            if (window.isEmpty()) {
                break;
            }
            for (RecordedEvent event : window) {
                scanned++;
                next = event.position() + 1;
                if (query.filter().test(event)) {
                    events.add(OpsEvent.of(event, personal));
                    if (events.size() == query.limit()) {
                        break;
                    }
                }
            }
        }
        long below = Math.min(start, head + 1);
        return new Page(service, head, scanned, events, below > 0 ? below : null, next - 1 < head ? next - 1 : null);
    }

    private Page backwards(Query query, long head) {
        long top = query.before() == null ? head + 1 : Math.min(query.before(), head + 1);
        long lowest = top;
        long scanned = 0;
        List<OpsEvent> events = new ArrayList<>();
        while (lowest > 0 && events.size() < query.limit() && scanned < scanLimit) {
            int chunk = chunk(query, Math.min(lowest, scanLimit - scanned));
            List<RecordedEvent> window = store.readAll(lowest - chunk, chunk).collectList().block();
            if (window.isEmpty()) {
                break;
            }
            for (int i = window.size() - 1; i >= 0; i--) {
                RecordedEvent event = window.get(i);
                scanned++;
                lowest = event.position();
                if (query.filter().test(event)) {
                    events.add(OpsEvent.of(event, personal));
                    if (events.size() == query.limit()) {
                        break;
                    }
                }
            }
        }
        Collections.reverse(events);
        return new Page(service, head, scanned, events, lowest > 0 ? lowest : null,
                top - 1 < head && top > 0 ? top - 1 : null);
    }

    /** How many events to read next: a page's worth unfiltered, a chunk filtered; never more than {@code left}. */
    private static int chunk(Query query, long left) {
        return (int) Math.min(query.filter().isEmpty() ? query.limit() : CHUNK, left);
    }

    /**
     * The event at {@code position}.
     *
     * @throws InvalidRequest               for a negative position
     * @throws OpsErrors.NotFoundInOps if the log has no event there
     */
    public RecordedEvent event(long position) {
        if (position < 0) {
            throw new InvalidRequest("a position is >= 0, not " + position);
        }
        RecordedEvent event = position > store.headPosition() ? null : store.readAll(position, 1).blockFirst();
        if (event == null || event.position() != position) {
            throw new OpsErrors.NotFoundInOps("no event at position " + position + " of " + service + "'s log (its head is "
                    + store.headPosition() + ")");
        }
        return event;
    }

    /** {@code event} as the console shows it. */
    public OpsEvent view(RecordedEvent event) {
        return OpsEvent.of(event, personal);
    }

    /**
     * Every event of the log with correlation id {@code correlationId}, ascending: the whole log is read, in
     * chunks, up to the head it had when the scan started.
     */
    public List<RecordedEvent> correlated(String correlationId) {
        if (correlationId == null || correlationId.isBlank()) {
            throw new InvalidRequest("a correlation id must not be empty");
        }
        long head = store.headPosition();
        List<RecordedEvent> found = new ArrayList<>();
        long next = 0;
        while (next <= head) {
            List<RecordedEvent> window = store.readAll(next, (int) Math.min(CHUNK * 4L, head - next + 1))
                    .collectList().block();
            if (window.isEmpty()) {
                break;
            }
            for (RecordedEvent event : window) {
                if (correlationId.equals(event.metadata().correlationId())) {
                    found.add(event);
                }
            }
            next = window.getLast().position() + 1;
        }
        return found;
    }

    /**
     * The clear value of one masked field.
     *
     * @param position where the event is in the log
     * @param field    the field's JSON pointer into the event's data
     * @param value    its clear value
     */
    public record Unmasked(long position, String field, JsonNode value) {
    }

    /**
     * Reveals one masked field of one event to {@code operator}, after recording that they did
     * ({@link OpsAudit}: action {@code unmask}, target {@code <position>:<pointer>}). Nothing is revealed when the
     * record cannot be appended.
     *
     * @param pointer a JSON pointer that the event's {@link OpsEvent#masked} lists
     * @throws OpsErrors.NotFoundInOps if the log has no event there
     * @throws InvalidRequest          for a malformed pointer
     * @throws OpsErrors.ActionRefused if the pointer names no masked field of the event (nothing is recorded)
     */
    public Unmasked unmask(EdgeUser operator, long position, String pointer) {
        if (pointer == null || !pointer.isEmpty() && !pointer.startsWith("/")) {
            throw new InvalidRequest("field must be a JSON pointer such as /shippingAddress/name, not '" + pointer
                    + "'");
        }
        RecordedEvent event = event(position);
        List<String> masked = personal.mask(event.data()).masked();
        if (!masked.contains(pointer)) {
            throw new OpsErrors.ActionRefused("the event at position " + position + " has no masked field '" + pointer
                    + "'; its masked fields are " + masked);
        }
        audit.record(operator, "unmask", position + ":" + pointer, "", null);
        return new Unmasked(position, pointer, personal.reveal(event.data(), pointer));
    }
}
