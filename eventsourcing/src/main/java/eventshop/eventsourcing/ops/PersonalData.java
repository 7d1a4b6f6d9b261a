package eventshop.eventsourcing.ops;

import eventshop.eventsourcing.privacy.Sealing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What the operations console must not show unasked: personal data (e-mail, names, addresses, phone) and card
 * data (card tokens, last four digits, expiry), found by field name anywhere in an event's or a state's JSON, and
 * replaced by {@value #MASK}. A {@code name} beside a {@code sku} is a product's name and stays. Secrets that have
 * no business on a screen (confirmation codes, password hashes) are masked the same way.
 *
 * <p>Values sealed by {@link Sealing} are masked wherever they are, and {@link #reveal} opens them (a forgotten
 * subject's show {@value Sealing#ERASED}).
 *
 * <p>The console shows only masked JSON; {@link #reveal} gives one field's clear value for an audited unmask.
 * Immutable and thread-safe.
 */
public final class PersonalData {

    /** What a masked value is shown as. */
    public static final String MASK = "•••";

    /** The fields masked by default. */
    public static final Set<String> DEFAULT_FIELDS = Set.of("email", "name", "firstName", "lastName", "fullName",
            "phone", "line1", "line2", "city", "postalCode", "country", "region", "cardToken", "token", "last4",
            "expMonth", "expYear", "number", "cvc", "confirmationCode", "code", "passwordHash", "password");

    /** JSON with its personal fields masked, and where they were (JSON pointers). */
    public record Masked(JsonNode json, List<String> masked) {
    }

    private final Set<String> fields;
    private final JsonMapper mapper;
    private final UnaryOperator<String> opener;

    public PersonalData(Set<String> fields, JsonMapper mapper) {
        this(fields, mapper, UnaryOperator.identity());
    }

    /**
     * @param opener what a revealed sealed value ({@link Sealing}) is shown as: the service's {@link Sealing#open}
     *               (the clear text, or {@value Sealing#ERASED} for a forgotten subject); identity where the service
     *               holds no keys
     */
    public PersonalData(Set<String> fields, JsonMapper mapper, UnaryOperator<String> opener) {
        this.fields = Set.copyOf(fields);
        this.mapper = mapper;
        this.opener = opener;
    }

    public PersonalData() {
        this(DEFAULT_FIELDS, JsonMapper.builder().build());
    }

    /** {@code json} (an event's data, UTF-8) masked; text that is not JSON is shown as a masked string. */
    public Masked mask(byte[] json) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JacksonException notJson) {
            return new Masked(StringNode.valueOf(MASK), List.of(""));
        }
        return mask(tree);
    }

    /** A copy of {@code tree} with its personal fields masked. */
    public Masked mask(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        List<String> masked = new ArrayList<>();
        maskInPlace(copy, "", masked);
        return new Masked(copy, List.copyOf(masked));
    }

    /** A value converted to JSON (a state record), masked. */
    public Masked mask(@Nullable Object value) {
        return mask((JsonNode) mapper.valueToTree(value));
    }

    /**
     * The clear value at {@code pointer} (as {@link Masked#masked} names it) in {@code json}.
     *
     * @throws IllegalArgumentException if the pointer is malformed or names no masked field
     */
    public JsonNode reveal(byte[] json, String pointer) {
        Masked masked = mask(json);
        if (!masked.masked().contains(pointer)) {
            throw new IllegalArgumentException("no masked field " + pointer + " in this event; its masked fields are "
                    + masked.masked());
        }
        if (pointer.isEmpty()) {
            return StringNode.valueOf(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode value = mapper.readTree(json).at(pointer);
        return value.isString() && Sealing.isSealed(value.asString()) ? StringNode.valueOf(opener.apply(value.asString()))
                : value;
    }

    private void maskInPlace(JsonNode node, String path, List<String> masked) {
        if (node instanceof ObjectNode object) {
            boolean product = object.has("sku");
            for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
                String name = field.getKey();
                String here = path + "/" + escape(name);
                JsonNode value = field.getValue();
                boolean sealed = value.isString() && Sealing.isSealed(value.asString());
                if (sealed || fields.contains(name) && !(product && "name".equals(name)) && !value.isNull()
                        && !value.isContainer()) {
                    object.put(name, MASK);
                    masked.add(here);
                } else {
                    maskInPlace(value, here, masked);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                maskInPlace(array.get(i), path + "/" + i, masked);
            }
        }
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
