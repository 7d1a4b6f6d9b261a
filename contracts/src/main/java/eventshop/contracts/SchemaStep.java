package eventshop.contracts;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One step in the history of a published event's JSON: how the payload of {@code type} written in schema
 * version {@code fromVersion} becomes the payload of {@code toType} (the same type, or its new name) in
 * version {@code fromVersion + 1}. The payload is handed over as a mutable JSON object of plain Java values
 * (maps, lists, strings, numbers, booleans, nulls), the way any JSON library reads it, so a consumer needs
 * nothing but this module to read every version a topic holds. The starter's upcaster registry applies the
 * steps ({@code eventshop.eventsourcing.schema.Upcasters}).
 *
 * @param change turns one version's object into the next; may change and return its argument
 */
public record SchemaStep(String type, int fromVersion, String toType, UnaryOperator<Map<String, Object>> change) {

    public SchemaStep {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(toType, "toType");
        Objects.requireNonNull(change, "change");
    }

    /** A step that keeps the type's name. */
    public static SchemaStep of(String type, int fromVersion, UnaryOperator<Map<String, Object>> change) {
        return new SchemaStep(type, fromVersion, type, change);
    }
}
