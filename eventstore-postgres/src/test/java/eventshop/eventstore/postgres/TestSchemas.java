package eventshop.eventstore.postgres;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The contract suites open an engine "on a directory" and reopen it on the same one; here a
 * directory stands for a schema of the embedded server: the same directory always maps to the same
 * schema, a new directory to a fresh, empty one.
 */
final class TestSchemas {

    private static final ConcurrentMap<Path, String> SCHEMAS = new ConcurrentHashMap<>();

    private TestSchemas() {
    }

    static PostgresEventStore open(Path directory) {
        String schema = SCHEMAS.computeIfAbsent(directory.toAbsolutePath(), ignored -> TestDatabase.freshSchema());
        return PostgresEventStore.open(TestDatabase.freshOptions().withSchema(schema));
    }
}
