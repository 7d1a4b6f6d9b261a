package eventshop.eventsourcing.schema;

import eventshop.contracts.PublishedSchemas;
import eventshop.contracts.SchemaHistory;
import eventshop.contracts.SchemaStep;
import eventshop.eventstore.RecordedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schema history of event types: the version each type is written in now, and the {@link Upcaster}s
 * that bring every older stored version up to it, one version at a time (a step may also rename the type).
 * Every read path applies it: the codec's {@code deserialize} (and so the fold, the projections, the
 * consumers of {@code IncomingEvent}, the operations console's time travel) and the log relay, which
 * publishes the current version.
 *
 * <p>Checked when built ({@link InvalidUpcasters}): no two upcasters for one step, no gap between a type's
 * first version and its current one, no step from or beyond the current version, and every type with
 * upcasters either has a current version or is renamed into one that has. A type never declared is at
 * version 1. Reading a version newer than the current one is a {@link SchemaVersionTooNew}, a version no
 * step leads up from a {@link NoUpcastPath}: an event is never read as another version than its own.
 *
 * <p>{@link #published()} holds the published language's histories ({@link PublishedSchemas}), which every
 * codec includes. Immutable and thread-safe; the upcasters must be pure.
 */
public final class Upcasters {

    private static final JsonMapper PLAIN = JsonMapper.builder().build();
    private static final Upcasters NONE = new Builder().build();
    private static final Upcasters PUBLISHED = publishedHistories();

    /** One registered step. */
    private record Step(String type, int fromVersion, String toType, Upcaster upcaster) {
    }

    private record Key(String type, int version) {
    }

    private final Map<String, Integer> current;
    private final Map<Key, Step> steps;
    private final Set<String> withHistory;

    private Upcasters(Map<String, Integer> current, Map<Key, Step> steps) {
        this.current = Map.copyOf(current);
        this.steps = Map.copyOf(steps);
        Set<String> types = new HashSet<>(current.keySet());
        steps.keySet().forEach(key -> types.add(key.type()));
        this.withHistory = Set.copyOf(types);
    }

    /** No upcasters: every type at version 1. */
    public static Upcasters none() {
        return NONE;
    }

    /** The published language's histories ({@link PublishedSchemas#ALL}). */
    public static Upcasters published() {
        return PUBLISHED;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** These upcasters and {@code other}'s, checked again as one history. */
    public Upcasters and(Upcasters other) {
        if (other == NONE || other == this) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        Builder merged = new Builder();
        merged.addAll(this);
        merged.addAll(other);
        return merged.build();
    }

    /**
     * The version {@code type} is written in now: its declared current version, 1 for a type without a
     * history, 0 for a type that was renamed away (it is no longer written).
     */
    public int currentVersion(String type) {
        Integer version = current.get(type);
        if (version != null) {
            return version;
        }
        return withHistory.contains(type) ? 0 : 1;
    }

    /** Whether an event of {@code type} stored in {@code version} must be upcast before it is read. */
    public boolean needsUpcasting(String type, int version) {
        return version != currentVersion(type);
    }

    /** The types with a history (a current version above 1, or upcasters). */
    public Set<String> typesWithHistory() {
        return withHistory;
    }

    /**
     * Brings {@code data}, stored as {@code type} in {@code version}, up to the current version of its type.
     *
     * @throws SchemaVersionTooNew if {@code version} is newer than the type's current one
     * @throws NoUpcastPath        if no upcaster leads up from {@code version} (or it is below 1)
     */
    public Upcasted upcast(String type, int version, ObjectNode data) {
        String at = type;
        int v = version;
        ObjectNode tree = data;
        while (true) {
            int now = currentVersion(at);
            if (now > 0 && v == now) {
                return new Upcasted(at, v, tree);
            }
            if (now > 0 && v > now) {
                throw new SchemaVersionTooNew(at, v, now);
            }
            Step step = steps.get(new Key(at, v));
            if (step == null) {
                throw new NoUpcastPath(at, v);
            }
            tree = Objects.requireNonNull(step.upcaster().upcast(tree),
                    () -> "the upcaster of " + step.type() + " " + step.fromVersion() + " answered null");
            at = step.toType();
            v = v + 1;
        }
    }

    /**
     * {@code event} as the current version of its type, for publishing: the same event when it already is
     * current, or when it is newer than this code knows (written by a newer instance, whose shape this code
     * has no business changing: it is published as stored, with its own version); otherwise a copy with the
     * upcast type, data and schema version, its id, stream, version, position and other metadata unchanged.
     *
     * @throws NoUpcastPath if it is stored in a version no upcaster leads up from
     */
    public RecordedEvent toCurrent(RecordedEvent event) {
        int stored = event.metadata().schemaVersion();
        int now = currentVersion(event.type());
        if (stored == now || (now > 0 && stored > now)) {
            return event;
        }
        JsonNode tree;
        try {
            tree = PLAIN.readTree(event.data());
        } catch (JacksonException e) {
            throw new NoUpcastPath(event.type(), stored);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new NoUpcastPath(event.type(), stored);
        }
        Upcasted upcasted = upcast(event.type(), stored, object);
        return new RecordedEvent(event.eventId(), event.streamId(), event.version(), event.position(),
                upcasted.type(), PLAIN.writeValueAsBytes(upcasted.data()),
                event.metadata().withSchemaVersion(upcasted.version()));
    }

    @Override
    public String toString() {
        return "Upcasters" + new TreeSet<>(withHistory);
    }

    private static Upcasters publishedHistories() {
        Builder builder = new Builder();
        PublishedSchemas.ALL.forEach(builder::include);
        return builder.build();
    }

    /**
     * Collects current versions and upcasters; {@link #build} checks them. Not thread-safe.
     */
    public static final class Builder {

        private final Map<String, Integer> current = new LinkedHashMap<>();
        private final Map<Key, Step> steps = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        private Builder() {
        }

        /** {@code type} is written in {@code version} now (at least 1). */
        public Builder current(String type, int version) {
            Objects.requireNonNull(type, "type");
            if (version < 1) {
                problems.add(type + ": a current version must be at least 1, not " + version);
            }
            Integer before = current.put(type, version);
            if (before != null && before != version) {
                problems.add(type + ": two current versions, " + before + " and " + version);
            }
            return this;
        }

        /** {@code upcaster} turns {@code type} of {@code fromVersion} into {@code type} of {@code fromVersion + 1}. */
        public Builder upcast(String type, int fromVersion, Upcaster upcaster) {
            return rename(type, fromVersion, type, upcaster);
        }

        /**
         * {@code upcaster} turns {@code type} of {@code fromVersion} into {@code toType} of
         * {@code fromVersion + 1}: the type was renamed (versions carry on under the new name).
         */
        public Builder rename(String type, int fromVersion, String toType, Upcaster upcaster) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(toType, "toType");
            Objects.requireNonNull(upcaster, "upcaster");
            if (fromVersion < 1) {
                problems.add(type + ": an upcaster from version " + fromVersion + " (versions start at 1)");
                return this;
            }
            Step step = new Step(type, fromVersion, toType, upcaster);
            Step before = steps.putIfAbsent(new Key(type, fromVersion), step);
            if (before != null && !before.equals(step)) { // the very same step twice (merging a merge) is one step
                problems.add(type + ": two upcasters from version " + fromVersion);
            }
            return this;
        }

        /**
         * A published history from {@code contracts/}: its steps work on plain maps, converted from and to the
         * JSON tree around each step.
         */
        public Builder include(SchemaHistory history) {
            history.currentVersions().forEach(this::current);
            for (SchemaStep step : history.steps()) {
                rename(step.type(), step.fromVersion(), step.toType(), tree -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> object = PLAIN.convertValue(tree, LinkedHashMap.class);
                    return PLAIN.valueToTree(step.change().apply(object));
                });
            }
            return this;
        }

        private void addAll(Upcasters upcasters) {
            upcasters.current.forEach(this::current);
            upcasters.steps.values().forEach(step -> rename(step.type(), step.fromVersion(), step.toType(),
                    step.upcaster()));
        }

        /**
         * The upcasters.
         *
         * @throws InvalidUpcasters naming every problem found
         */
        public Upcasters build() {
            List<String> found = new ArrayList<>(problems);
            Map<String, Set<Integer>> landings = new HashMap<>();
            Map<String, TreeSet<Integer>> versions = new HashMap<>();
            for (Step step : steps.values()) {
                versions.computeIfAbsent(step.type(), type -> new TreeSet<>()).add(step.fromVersion());
                if (!step.toType().equals(step.type())) {
                    landings.computeIfAbsent(step.toType(), type -> new HashSet<>()).add(step.fromVersion() + 1);
                }
            }
            for (Step step : steps.values()) {
                int lands = step.fromVersion() + 1;
                Integer target = current.get(step.toType());
                if (target != null && lands > target) {
                    found.add(step.type() + ": an upcaster from version " + step.fromVersion() + " to " + lands
                            + " of " + step.toType() + ", whose current version is " + target);
                } else if (target == null && !steps.containsKey(new Key(step.toType(), lands))) {
                    found.add(step.type() + ": the upcaster from version " + step.fromVersion() + " leads to version "
                            + lands + " of " + step.toType() + ", which has neither a current version nor an upcaster"
                            + " from there");
                }
            }
            Set<String> types = new TreeSet<>(current.keySet());
            types.addAll(versions.keySet());
            for (String type : types) {
                TreeSet<Integer> from = versions.getOrDefault(type, new TreeSet<>());
                Set<Integer> landed = landings.getOrDefault(type, Set.of());
                Integer now = current.get(type);
                int top = now != null ? now : from.isEmpty() ? 1 : from.last();
                int first = from.contains(1) || landed.isEmpty() ? 1
                        : Math.min(landed.stream().min(Integer::compare).orElseThrow(), from.isEmpty() ? top : from.first());
                for (int version = first; version < top; version++) {
                    if (!from.contains(version)) {
                        found.add(type + ": no upcaster from version " + version + " (a gap below version " + top + ")");
                    }
                }
            }
            if (!found.isEmpty()) {
                throw new InvalidUpcasters(String.join("; ", found));
            }
            return new Upcasters(current, steps);
        }
    }
}
