package eventshop.eventsourcing.decider;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON codec for a sealed interface of event records: each permitted record (also inside nested
 * sealed interfaces) is stored under its simple class name. Thread-safe.
 *
 * @param <E> the sealed event type
 */
public final class JsonEventCodec<E> implements EventCodec<E> {

    private final JsonMapper mapper;
    private final Map<String, Class<? extends E>> types = new LinkedHashMap<>();
    private final Map<Class<?>, String> names = new LinkedHashMap<>();

    private JsonEventCodec(Class<E> sealedType, JsonMapper mapper) {
        this.mapper = mapper;
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
    }

    /** A codec for the permitted records of {@code sealedType}. */
    public static <E> JsonEventCodec<E> of(Class<E> sealedType, JsonMapper mapper) {
        return new JsonEventCodec<>(sealedType, mapper);
    }

    /** A codec with a default {@link JsonMapper}. */
    public static <E> JsonEventCodec<E> of(Class<E> sealedType) {
        return new JsonEventCodec<>(sealedType, JsonMapper.builder().build());
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

    @Override
    public E deserialize(String type, byte[] data, int schemaVersion) {
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

    /** The type names this codec knows. */
    public java.util.Set<String> typeNames() {
        return java.util.Collections.unmodifiableSet(types.keySet());
    }
}
