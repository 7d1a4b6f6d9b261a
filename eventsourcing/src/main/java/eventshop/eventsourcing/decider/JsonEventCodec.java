package eventshop.eventsourcing.decider;

import eventshop.eventsourcing.schema.InvalidUpcasters;
import eventshop.eventsourcing.schema.Upcasted;
import eventshop.eventsourcing.schema.Upcasters;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON codec for a sealed interface of event records: each permitted record (also inside nested
 * sealed interfaces) is stored under its simple class name. Thread-safe.
 *
 * <p>Schema evolution ({@code docs/schema-evolution.md}): the codec writes each type in its current schema
 * version ({@link #schemaVersionOf}) and reads every version its {@link Upcasters} know, bringing older ones
 * up to the current record before Jackson sees them; a version newer than the current one, or one no
 * upcaster leads up from, is an {@link eventshop.eventsourcing.schema.UnreadableSchemaVersion}, never a
 * mis-read. The published language's histories ({@link Upcasters#published()}) are always included, so
 * every codec of a contract type, in any service, reads every version its topic holds. The default mapper
 * ignores properties the record does not have (a tolerant reader: a field added to an event does not break
 * a reader built before it).
 *
 * @param <E> the sealed event type
 */
public final class JsonEventCodec<E> implements EventCodec<E> {

    private static final JsonMapper TOLERANT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final JsonMapper mapper;
    private final Upcasters upcasters;
    private final Map<String, Class<? extends E>> types = new LinkedHashMap<>();
    private final Map<Class<?>, String> names = new LinkedHashMap<>();

    private JsonEventCodec(Class<E> sealedType, JsonMapper mapper, Upcasters upcasters) {
        this.mapper = mapper;
        this.upcasters = Upcasters.published().and(upcasters);
        if (!sealedType.isSealed()) {
            throw new IllegalArgumentException(sealedType + " is not a sealed interface of event records");
        }
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.push(sealedType);
        while (!pending.isEmpty()) {
            Class<?> type = pending.pop();
            if (type.isSealed()) {
                for (Class<?> permitted : type.getPermittedSubclasses()) {
                    pending.push(permitted);
                }
            } else {
                @SuppressWarnings("unchecked")
                Class<? extends E> concrete = (Class<? extends E>) type;
                String name = type.getSimpleName();
                if (types.put(name, concrete) != null) {
                    throw new IllegalArgumentException("two event types are named " + name + " in " + sealedType);
                }
                names.put(type, name);
            }
        }
        for (String name : types.keySet()) {
            if (this.upcasters.currentVersion(name) == 0) {
                throw new InvalidUpcasters(sealedType.getName() + " still has the record " + name
                        + ", but the upcasters rename that type away");
            }
        }
    }

    /** A codec for the permitted records of {@code sealedType}, reading the published histories only. */
    public static <E> JsonEventCodec<E> of(Class<E> sealedType, JsonMapper mapper) {
        return new JsonEventCodec<>(sealedType, mapper, Upcasters.none());
    }

    /** A codec with a tolerant default {@link JsonMapper} (unknown properties are ignored). */
    public static <E> JsonEventCodec<E> of(Class<E> sealedType) {
        return new JsonEventCodec<>(sealedType, TOLERANT, Upcasters.none());
    }

    /**
     * A codec whose types have a history of their own (a service's private events): {@code upcasters}
     * together with the published ones.
     *
     * @throws InvalidUpcasters if they contradict the published histories, or rename one of the codec's
     *                          records away
     */
    public static <E> JsonEventCodec<E> of(Class<E> sealedType, Upcasters upcasters) {
        return new JsonEventCodec<>(sealedType, TOLERANT, upcasters);
    }

    /** Like {@link #of(Class, Upcasters)} with a mapper of the caller's. */
    public static <E> JsonEventCodec<E> of(Class<E> sealedType, JsonMapper mapper, Upcasters upcasters) {
        return new JsonEventCodec<>(sealedType, mapper, upcasters);
    }

    @Override
    public String typeOf(E event) {
        String name = names.get(event.getClass());
        if (name == null) {
            throw new IllegalArgumentException(event.getClass() + " is not one of " + types.keySet());
        }
        return name;
    }

    @Override
    public byte[] serialize(E event) {
        return mapper.writeValueAsBytes(event);
    }

    /** The current schema version of the event's type: what new events are written in. */
    @Override
    public int schemaVersionOf(E event) {
        return upcasters.currentVersion(typeOf(event));
    }

    /**
     * {@inheritDoc}
     *
     * <p>An older version is upcast to the current one of its (possibly renamed) type first.
     *
     * @throws eventshop.eventsourcing.schema.SchemaVersionTooNew if it was written by newer code
     * @throws eventshop.eventsourcing.schema.NoUpcastPath        if no upcaster leads up from its version
     */
    @Override
    public E deserialize(String type, byte[] data, int schemaVersion) {
        if (!upcasters.needsUpcasting(type, schemaVersion)) {
            Class<? extends E> target = types.get(type);
            if (target == null) {
                throw new UnknownEventType(type, String.join(", ", types.keySet()));
            }
            try {
                return mapper.readValue(data, target);
            } catch (JacksonException e) {
                throw new UnknownEventType(type, e);
            }
        }
        if (!types.containsKey(type) && !upcasters.typesWithHistory().contains(type)) {
            throw new UnknownEventType(type, String.join(", ", types.keySet()));
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(data);
        } catch (JacksonException e) {
            throw new UnknownEventType(type, e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new UnknownEventType(type, new IllegalArgumentException("the data is not a JSON object"));
        }
        Upcasted upcasted = upcasters.upcast(type, schemaVersion, object);
        Class<? extends E> target = types.get(upcasted.type());
        if (target == null) {
            throw new UnknownEventType(upcasted.type(), String.join(", ", types.keySet()));
        }
        try {
            return mapper.treeToValue(upcasted.data(), target);
        } catch (JacksonException e) {
            throw new UnknownEventType(upcasted.type(), e);
        }
    }

    /** The upcasters this codec reads older versions with (the published ones included). */
    public Upcasters upcasters() {
        return upcasters;
    }

    /** The type names this codec knows. */
    public java.util.Set<String> typeNames() {
        return java.util.Collections.unmodifiableSet(types.keySet());
    }
}
