package eventshop.eventstore.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The contract suites open an engine "on a directory" and reopen it on the same one; here a
 * directory stands for a schema of the embedded server: the same directory always maps to the same
 * schema, a new directory to an empty one.
 *
 * <p>An empty schema is either new (created by the store's Flyway migration on open) or recycled:
 * the schema of a directory that the suite has deleted and whose stores are all closed, emptied
 * with TRUNCATE and its head and batch sequence reset. Recycling keeps the suites' hundreds of
 * fresh stores from costing a Flyway migration each; the store still runs Flyway on every open.
 */
final class TestSchemas {

    private record Entry(String schema, List<PostgresEventStore> stores) {
    }

    private static final Map<Path, Entry> BY_DIRECTORY = new HashMap<>();

    private TestSchemas() {
    }

    static PostgresEventStore open(Path directory) {
        Entry entry = entryFor(directory.toAbsolutePath());
        PostgresEventStore store = PostgresEventStore.open(TestDatabase.freshOptions().withSchema(entry.schema()));
        synchronized (TestSchemas.class) {
            entry.stores().add(store);
        }
        return store;
    }

    private static Entry entryFor(Path directory) {
        String recycled = null;
        synchronized (TestSchemas.class) {
            Entry known = BY_DIRECTORY.get(directory);
            if (known != null) {
                return known;
            }
            for (Iterator<Map.Entry<Path, Entry>> it = BY_DIRECTORY.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Path, Entry> candidate = it.next();
                if (!Files.exists(candidate.getKey())
                        && candidate.getValue().stores().stream().allMatch(PostgresEventStore::isClosed)) {
                    it.remove();
                    recycled = candidate.getValue().schema();
                    break;
                }
            }
            Entry entry = new Entry(recycled != null ? recycled : TestDatabase.freshSchema(), new ArrayList<>());
            BY_DIRECTORY.put(directory, entry);
            if (recycled == null) {
                return entry;
            }
        }
        String s = recycled + ".";
        TestDatabase.execute("TRUNCATE " + s + "events, " + s + "streams, " + s + "snapshots; UPDATE " + s
                + "log_head SET head = -1; ALTER SEQUENCE " + s + "batch_ids RESTART");
        synchronized (TestSchemas.class) {
            return BY_DIRECTORY.get(directory);
        }
    }
}
