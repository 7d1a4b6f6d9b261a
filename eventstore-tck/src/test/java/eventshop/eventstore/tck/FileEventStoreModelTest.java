package eventshop.eventstore.tck;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.file.FileEventStore;
import java.nio.file.Path;

class FileEventStoreModelTest extends EventStoreModelContract {

    @Override
    protected EventStore open(Path directory) {
        return FileEventStore.open(directory);
    }
}
