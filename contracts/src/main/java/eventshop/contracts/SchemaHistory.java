package eventshop.contracts;

import java.util.List;
import java.util.Map;

/**
 * The schema history of one service's published events: the version each type is written in now (a type
 * not listed is at version 1) and the {@link SchemaStep}s that bring every older version up to it.
 * {@link PublishedSchemas#ALL} lists every service's history, so every codec of the published language
 * reads every version a topic holds.
 */
public record SchemaHistory(Map<String, Integer> currentVersions, List<SchemaStep> steps) {

    public SchemaHistory {
        currentVersions = Map.copyOf(currentVersions);
        steps = List.copyOf(steps);
    }
}
