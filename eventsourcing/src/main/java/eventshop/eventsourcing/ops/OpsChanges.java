package eventshop.eventsourcing.ops;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What changed between two JSON trees (an aggregate's state before and after an event), leaf by leaf: both trees
 * are walked together, objects by member, arrays by index, and every value present in only one of them (added,
 * removed) or different in both (changed) is one {@link Change} at its JSON pointer. An object or array that
 * appears or disappears (or replaces a null, or is replaced by one) is walked down to its leaves (an empty one is a
 * change of its own); where a value turns from one kind into another (an object into a string, say) the change is
 * that value whole. Stateless.
 */
public final class OpsChanges {

    private OpsChanges() {
    }

    /**
     * One difference.
     *
     * @param path   a JSON pointer ({@code /lines/0/quantity}; {@code ""} for the whole tree)
     * @param before the value before; null where there was none
     * @param after  the value after; null where there is none
     */
    public record Change(String path, @Nullable JsonNode before, @Nullable JsonNode after) {
    }

    /** The changes from {@code before} to {@code after}, in the order of their members; either may be null. */
    public static List<Change> between(@Nullable JsonNode before, @Nullable JsonNode after) {
        List<Change> changes = new ArrayList<>();
        walk("", present(before), present(after), changes);
        return changes;
    }

    private static @Nullable JsonNode present(@Nullable JsonNode node) {
        return node == null || node.isMissingNode() ? null : node;
    }

    private static void walk(String path, @Nullable JsonNode given, @Nullable JsonNode taken, List<Change> changes) {
        // a null that becomes an object or array (or one that becomes null) is walked as if it were absent
        JsonNode before = given != null && given.isNull() && taken != null && taken.isContainer() ? null : given;
        JsonNode after = taken != null && taken.isNull() && given != null && given.isContainer() ? null : taken;
        if (before == null && after == null) {
            return;
        }
        if (before instanceof ObjectNode && (after == null || after instanceof ObjectNode)
                || after instanceof ObjectNode && before == null) {
            Set<String> names = new LinkedHashSet<>();
            names(before, names);
            names(after, names);
            if (names.isEmpty() && (before == null || after == null)) {
                changes.add(new Change(path, before, after));
            }
            for (String name : names) {
                walk(path + "/" + escape(name), member(before, name), member(after, name), changes);
            }
        } else if (before instanceof ArrayNode && (after == null || after instanceof ArrayNode)
                || after instanceof ArrayNode && before == null) {
            int size = Math.max(before == null ? 0 : before.size(), after == null ? 0 : after.size());
            if (size == 0 && (before == null || after == null)) {
                changes.add(new Change(path, before, after));
            }
            for (int i = 0; i < size; i++) {
                walk(path + "/" + i, element(before, i), element(after, i), changes);
            }
        } else if (before == null || !before.equals(after)) {
            changes.add(new Change(path, before, after));
        }
    }

    private static void names(@Nullable JsonNode node, Set<String> names) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                names.add(member.getKey());
            }
        }
    }

    private static @Nullable JsonNode member(@Nullable JsonNode node, String name) {
        return node == null ? null : node.get(name);
    }

    private static @Nullable JsonNode element(@Nullable JsonNode node, int index) {
        return node == null || index >= node.size() ? null : node.get(index);
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
