package eventshop.eventstore.tck;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.file.Path;

class InMemoryEventStoreModelTest extends EventStoreModelContract {

    @Override
    protected EventStore open(Path directory) {
        return new InMemoryEventStore();
    }

    @Override
    protected boolean persistent() {
        return false;
    }
}
