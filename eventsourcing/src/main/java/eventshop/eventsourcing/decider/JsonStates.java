package eventshop.eventsourcing.decider;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An aggregate's state as JSON, for its snapshots: {@code {"phase":"<record's simple name>","state":{...}}}, the
 * state record written by Jackson (maps sorted by key). The state type is a record, or a sealed interface whose
 * permitted subclasses are records; fields may be records, enums, strings, numbers, {@code java.time} values and
 * lists, sets and maps of those, nested to any depth.
 *
 * <p>{@link #shape()} is a fingerprint of the state's shape: the phases and, recursively, every record's component
 * names and types and every enum's constants. It is part of the snapshot type, so a snapshot written by a state
 * of another shape (a field added, renamed or retyped; a phase or an enum constant added) is never read into this
 * one: the stream is folded from its first event instead. Reading is strict besides (a missing or unknown
 * field, a null primitive, an unknown phase all fail), and a failure means the same: fold from the start.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <S> the state type
 */
final class JsonStates<S> {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Class<S> type;
    private final Map<String, Class<? extends S>> phases;
    private final String shape;

    /** @throws IllegalArgumentException if {@code type} holds something that does not round-trip as JSON */
    JsonStates(Class<S> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.phases = phasesOf(type);
        StringBuilder description = new StringBuilder();
        describe(type, new HashSet<>(), description, type.getName());
        this.shape = fingerprint(description.toString());
    }

    /** The fingerprint of the state's shape: 8 hex digits. */
    String shape() {
        return shape;
    }

    byte[] write(S state) {
        ObjectNode node = JSON.createObjectNode();
        node.put("phase", state.getClass().getSimpleName());
        node.set("state", JSON.valueToTree(state));
        return JSON.writeValueAsBytes(node);
    }

    /** @throws RuntimeException for anything this state type did not write */
    S read(byte[] bytes) {
        JsonNode node = JSON.readTree(bytes);
        if (node == null || !node.isObject() || node.size() != 2 || !node.path("phase").isString()
                || !node.path("state").isObject()) {
            throw new IllegalArgumentException("not a state of " + type.getName());
        }
        Class<? extends S> phase = phases.get(node.get("phase").stringValue());
        if (phase == null) {
            throw new IllegalArgumentException("no phase " + node.get("phase") + " in " + type.getName());
        }
        return Objects.requireNonNull(JSON.treeToValue(node.get("state"), phase), "state");
    }

    private static <S> Map<String, Class<? extends S>> phasesOf(Class<S> type) {
        Map<String, Class<? extends S>> phases = new LinkedHashMap<>();
        if (type.isRecord()) {
            phases.put(type.getSimpleName(), type);
        } else if (type.isSealed()) {
            for (Class<?> permitted : type.getPermittedSubclasses()) {
                if (!permitted.isRecord()) {
                    throw new IllegalArgumentException("state phase " + permitted.getName() + " is not a record");
                }
                if (phases.put(permitted.getSimpleName(), permitted.asSubclass(type)) != null) {
                    throw new IllegalArgumentException("two phases of " + type.getName() + " are named "
                            + permitted.getSimpleName());
                }
            }
        } else {
            throw new IllegalArgumentException(type.getName() + " is neither a record nor a sealed interface of records");
        }
        return phases;
    }

    /** Writes {@code type}'s shape to {@code out}; {@code where} names the field, for the error. */
    private static void describe(Type type, Set<Class<?>> seen, StringBuilder out, String where) {
        switch (type) {
            case Class<?> plain when isScalar(plain) -> out.append(plain.getName());
            case Class<?> plain when plain.isEnum() -> out.append(plain.getName()).append(
                    Arrays.stream(plain.getEnumConstants()).map(constant -> ((Enum<?>) constant).name()).toList());
            case Class<?> plain when plain.isRecord() -> {
                out.append(plain.getName());
                if (seen.add(plain)) {
                    out.append('(');
                    for (RecordComponent component : plain.getRecordComponents()) {
                        out.append(component.getName()).append(':');
                        describe(component.getGenericType(), seen, out, plain.getName() + "." + component.getName());
                        out.append(',');
                    }
                    out.append(')');
                }
            }
            case Class<?> plain when plain.isSealed() && seen.isEmpty() -> {
                out.append(plain.getName()).append('{');
                seen.add(plain);
                for (Class<?> permitted : plain.getPermittedSubclasses()) {
                    describe(permitted, seen, out, permitted.getName());
                    out.append(';');
                }
                out.append('}');
            }
            case ParameterizedType generic when generic.getRawType() instanceof Class<?> raw
                    && (raw == java.util.List.class || raw == Set.class || raw == Map.class) -> {
                out.append(raw.getName()).append('<');
                for (Type argument : generic.getActualTypeArguments()) {
                    describe(argument, seen, out, where);
                    out.append(',');
                }
                out.append('>');
            }
            default -> throw new IllegalArgumentException(where + " is a " + type.getTypeName() + ": a snapshot of the"
                    + " state holds only records, enums, strings, numbers, java.time values and lists, sets and maps of"
                    + " those (nested sealed interfaces, arrays and other classes do not round-trip as JSON)");
        }
    }

    /** A primitive, its box, a string, a concrete JDK number ({@code BigDecimal}) or a {@code java.time} value. */
    private static boolean isScalar(Class<?> type) {
        boolean jdkNumber = Number.class.isAssignableFrom(type) && type != Number.class
                && type.getName().startsWith("java.");
        boolean time = type.getName().startsWith("java.time.") && !type.isInterface()
                && !java.lang.reflect.Modifier.isAbstract(type.getModifiers());
        return type.isPrimitive() || type == String.class || type == Boolean.class || type == Character.class
                || jdkNumber || time;
    }

    private static String fingerprint(String description) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
