package eventshop.benchmarks;

import eventshop.eventstore.EventStore;
import eventshop.eventstore.file.Durability;
import eventshop.eventstore.file.FileEventStore;
import eventshop.eventstore.file.FileEventStoreOptions;
import eventshop.eventstore.memory.InMemoryEventStore;
import java.nio.file.Path;

/** The engine under test: the file engine, or the in-memory engine as a stand-in to check the harness. */
enum Engine {
    FILE {
        @Override
        EventStore open(Path directory, Durability durability) {
            return FileEventStore.open(directory, FileEventStoreOptions.defaults().withDurability(durability));
        }

        @Override
        boolean persistent() {
            return true;
        }
    },
    MEMORY {
        @Override
        EventStore open(Path directory, Durability durability) {
            return new InMemoryEventStore();
        }

        @Override
        boolean persistent() {
            return false;
        }
    };

    /** Opens a store in {@code directory} (ignored by the in-memory engine). */
    abstract EventStore open(Path directory, Durability durability);

    /** Whether a closed store can be opened again with its events (false for the in-memory engine). */
    abstract boolean persistent();

    static Engine named(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
