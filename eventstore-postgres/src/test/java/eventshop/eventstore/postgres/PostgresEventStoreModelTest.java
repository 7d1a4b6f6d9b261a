package eventshop.eventstore.postgres;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.tck.EventStoreModelContract;
import java.nio.file.Path;

class PostgresEventStoreModelTest extends EventStoreModelContract {

    @Override
    protected EventStore open(Path directory) {
        return TestSchemas.open(directory);
    }
}
