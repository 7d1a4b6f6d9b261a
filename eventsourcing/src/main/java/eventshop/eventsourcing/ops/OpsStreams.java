package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.decider.CommandHandler;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.Limits;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations console's stream view with time travel ({@code GET /api/ops/<service>/streams/<stream id>}):
 * a stream's events by version, and its aggregate's state at any version N, folded from the stream's events
 * 0..N by the service's own decider ({@link CommandHandler#foldAt}, never a cache or snapshot), with the state at
 * N-1 and what changed between the two ({@link OpsChanges}). States are shown as JSON (the state record as Jackson
 * writes it) with their personal fields masked; the changes are found on the clear states and shown with the
 * masked values, so a changed e-mail shows as a change without showing the address.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
public final class OpsStreams {

    /** The most events one answer lists. */
    public static final int MAX_EVENTS = 1_000;

    private final String service;
    private final EventStore store;
    private final OpsAggregates aggregates;
    private final PersonalData personal;
    /** States as JSON, map entries sorted by key: a state reads the same whatever order its maps iterate in. */
    private final JsonMapper json = JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    public OpsStreams(String service, EventStore store, OpsAggregates aggregates, PersonalData personal) {
        this.service = Objects.requireNonNull(service, "service");
        this.store = Objects.requireNonNull(store, "store");
        this.aggregates = Objects.requireNonNull(aggregates, "aggregates");
        this.personal = Objects.requireNonNull(personal, "personal");
    }

    /**
     * One stream at one version.
     *
     * @param aggregate   the registered aggregate the stream belongs to; null if none (and so are the states)
     * @param lastVersion the stream's last version
     * @param version     the version the state is folded up to
     * @param fromVersion the version of the first event listed
     * @param events      the stream's events from {@code fromVersion}, at most {@value #MAX_EVENTS}
     * @param state       the state at {@code version}, masked
     * @param stateType   its class's simple name ({@code Open})
     * @param previous    the state at {@code version - 1}, masked; null at version 0
     * @param changes     from {@code previous} (nothing at version 0) to {@code state}; empty without an aggregate
     */
    public record StreamView(String service, String streamId, @Nullable String aggregate, long lastVersion,
                             long version, long fromVersion, List<OpsEvent> events, @Nullable JsonNode state,
                             @Nullable String stateType, @Nullable JsonNode previous,
                             List<OpsChanges.Change> changes) {
    }

    /**
     * Stream {@code streamId} with its state at {@code version}.
     *
     * @param version     null for the stream's last version
     * @param fromVersion the first event to list; null for the last {@value #MAX_EVENTS} events
     * @throws InvalidRequest          for a malformed stream id, or a version that is negative or past the last
     * @throws OpsErrors.NotFoundInOps for a stream with no events
     */
    public StreamView view(String streamId, @Nullable Long version, @Nullable Long fromVersion) {
        Limits.checkStreamId(streamId);
        long last = store.streamVersion(streamId);
        if (last < 0) {
            throw new OpsErrors.NotFoundInOps("no stream " + streamId + " in " + service + "'s log");
        }
        long at = version == null ? last : version;
        if (at < 0 || at > last) {
            throw new InvalidRequest("version must be 0.." + last + " for stream " + streamId + ", not " + at);
        }
        long from = fromVersion == null ? Math.max(0, last - MAX_EVENTS + 1) : fromVersion;
        if (from < 0 || from > last) {
            throw new InvalidRequest("fromVersion must be 0.." + last + " for stream " + streamId + ", not " + from);
        }
        List<OpsEvent> events = store.read(streamId, from).take(MAX_EVENTS, true)
                .map(event -> OpsEvent.of(event, personal)).collectList().block();
        Optional<OpsAggregate> aggregate = aggregates.owning(streamId);
        if (aggregate.isEmpty()) {
            return new StreamView(service, streamId, null, last, at, from, events, null, null, null, List.of());
        }
        CommandHandler<?, ?, ?> handler = aggregate.get().handler();
        Object state = handler.foldAt(streamId, at).state();
        JsonNode clear = json.valueToTree(state);
        JsonNode before = at == 0 ? null : json.valueToTree(handler.foldAt(streamId, at - 1).state());
        JsonNode masked = personal.mask(clear).json();
        JsonNode maskedBefore = before == null ? null : personal.mask(before).json();
        List<OpsChanges.Change> changes = OpsChanges.between(before, clear).stream()
                .map(change -> new OpsChanges.Change(change.path(), at(maskedBefore, change.path(), change.before()),
                        at(masked, change.path(), change.after())))
                .toList();
        return new StreamView(service, streamId, aggregate.get().name(), last, at, from, events, masked,
                state.getClass().getSimpleName(), maskedBefore, changes);
    }

    /** The masked counterpart of a changed value: the same place in the masked tree. */
    private static @Nullable JsonNode at(@Nullable JsonNode masked, String path, @Nullable JsonNode clear) {
        return masked == null || clear == null ? null : masked.at(path);
    }
}
