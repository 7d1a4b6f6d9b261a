package eventshop.eventstore.postgres;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.tck.PersistentEventStoreContract;
import java.nio.file.Path;

class PostgresEventStoreContractTest extends PersistentEventStoreContract {

    @Override
    protected EventStore open(Path directory) {
        return TestSchemas.open(directory);
    }
}
